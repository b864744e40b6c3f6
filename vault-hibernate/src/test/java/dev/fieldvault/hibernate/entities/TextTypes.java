package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.UUID;

/** Encrypted attributes stored as base64 text, with an assigned id. */
@Entity(name = "TextTypes")
@Table(name = "hib_text_types")
public class TextTypes {
  @Id public String id;

  @Encrypted(storage = ColumnStorage.TEXT) @Column(name = "t_string", length = 50) public String aString;
  @Encrypted(storage = ColumnStorage.TEXT) @Column(name = "t_int") public Integer anInt;
  @Encrypted(storage = ColumnStorage.TEXT) @Column(name = "t_date") public LocalDate date;
  @Encrypted(storage = ColumnStorage.TEXT) @Column(name = "t_uuid") public UUID uuid;
  @Encrypted(storage = ColumnStorage.TEXT) @Column(name = "t_color") public Color color;
  @Encrypted(storage = ColumnStorage.TEXT) @Column(name = "t_amount", length = 20) public BigDecimal amount;
  @Encrypted(storage = ColumnStorage.TEXT, rowBound = true) @Column(name = "t_secret", length = 30) public String secret;
  @Encrypted(storage = ColumnStorage.TEXT, mode = dev.fieldvault.keys.EncryptionMode.DETERMINISTIC)
  @Column(name = "t_code", length = 20) public String code;
}
