package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDateTime;

/**
 * Deterministic attributes of types whose legacy values have several text forms: the database's own
 * (a native BOOLEAN, TIMESTAMP or DOUBLE column converted to text) and other accepted spellings.
 */
@Entity(name = "LegacySpelled")
@Table(name = "hib_legacy_spelled")
public class LegacySpelled {
  @Id public Long id;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT) @Column(length = 100)
  public Boolean active;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT) @Column(length = 100)
  public LocalDateTime at;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT) @Column(length = 100)
  public Double x;

  /** Row-bound: read by FieldVault's load event with the row's id. */
  @Encrypted(storage = ColumnStorage.TEXT, rowBound = true) @Column(length = 100)
  public Integer pin;
}
