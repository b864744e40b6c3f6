package dev.fieldvault.sample.entity;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;

/** A customer of the SaaS back end: its personal data is encrypted field by field. */
@Entity(name = "Customer")
@Table(name = "app_customer")
public class Customer {

  /** Assigned by the application, so row-bound fields know their row before the insert. */
  @Id
  private Long id;

  @Column(nullable = false)
  private String plan;

  @Encrypted
  private String name;

  /** Deterministic: {@code where c.email = :email} works unchanged. */
  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  private String email;

  /** Randomized; searchable by its blind index {@link #phoneIndex}. */
  @Encrypted
  private String phone;

  /** An HMAC of the normalised phone number under the PRF key, filled by FieldVault on insert and update. */
  @BlindIndex(of = "phone", normalization = BlindIndex.Normalization.CASE_INSENSITIVE)
  @Column(name = "phone_bi")
  private byte[] phoneIndex;

  /** Bound to this row: copied to another customer it fails to decrypt. */
  @Encrypted(rowBound = true)
  private LocalDate birthday;

  protected Customer() {}

  public Customer(long id, String plan, String name, String email, String phone, LocalDate birthday) {
    this.id = id;
    this.plan = plan;
    this.name = name;
    this.email = email;
    this.phone = phone;
    this.birthday = birthday;
  }

  public Long id() {
    return id;
  }

  public String plan() {
    return plan;
  }

  public String name() {
    return name;
  }

  public String email() {
    return email;
  }

  public String phone() {
    return phone;
  }

  public byte[] phoneIndex() {
    return phoneIndex == null ? null : phoneIndex.clone();
  }

  public LocalDate birthday() {
    return birthday;
  }

  /** Never the personal data. */
  @Override
  public String toString() {
    return "Customer#" + id + "(" + plan + ")";
  }
}
