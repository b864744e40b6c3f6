package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One encrypted attribute of every supported type, in binary columns. */
@Entity(name = "AllTypes")
@Table(name = "hib_all_types")
public class AllTypes {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_all_types_seq")
  @SequenceGenerator(name = "hib_all_types_seq", sequenceName = "hib_all_types_seq", allocationSize = 1)
  public Long id;

  public String label;

  @Encrypted @Column(name = "s_string", length = 100) public String aString;
  @Encrypted @Column(name = "s_bytes", length = 64) public byte[] bytes;
  @Encrypted @Column(name = "s_bool") public boolean bool;
  @Encrypted @Column(name = "s_byte") public Byte aByte;
  @Encrypted @Column(name = "s_short") public short aShort;
  @Encrypted @Column(name = "s_int") public int anInt;
  @Encrypted @Column(name = "s_long") public Long aLong;
  @Encrypted @Column(name = "s_float") public float aFloat;
  @Encrypted @Column(name = "s_double") public Double aDouble;
  @Encrypted @Column(name = "s_bigint", length = 40) public BigInteger bigInteger;
  @Encrypted @Column(name = "s_bigdec", length = 40) public BigDecimal bigDecimal;
  @Encrypted @Column(name = "s_date") public LocalDate date;
  @Encrypted @Column(name = "s_time") public LocalTime time;
  @Encrypted @Column(name = "s_datetime") public LocalDateTime dateTime;
  @Encrypted @Column(name = "s_instant") public Instant instant;
  @Encrypted @Column(name = "s_offset") public OffsetDateTime offsetDateTime;
  @Encrypted @Column(name = "s_uuid") public UUID uuid;
  @Encrypted @Column(name = "s_color") public Color color;
  @Encrypted(compressAbove = 64) @Column(name = "s_long_text", length = 2000) public String longText;
  @Encrypted @Column(name = "s_nullable", length = 20) public String nullable;

  @Embedded public Address address;
}
