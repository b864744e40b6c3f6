package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import org.hibernate.annotations.TenantId;

/** A discriminator multi-tenant entity: every @Encrypted value is bound to the session's tenant. */
@Entity(name = "TenantCustomer")
@Table(name = "htn_customer")
public class TenantCustomer {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "htn_customer_seq")
  @SequenceGenerator(name = "htn_customer_seq", sequenceName = "htn_customer_seq", allocationSize = 1)
  public Long id;

  @TenantId
  @Column(name = "tenant_id", length = 40)
  public String tenant;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 100)
  public String email;

  @Encrypted(rowBound = true)
  @Column(length = 20)
  public String ssn;

  @Encrypted
  @Column(length = 30)
  public String phone;

  @BlindIndex(of = "phone")
  @Column(name = "phone_bidx")
  public byte[] phoneIndex;

  public TenantCustomer() {}

  public TenantCustomer(String email, String ssn, String phone) {
    this.email = email;
    this.ssn = ssn;
    this.phone = phone;
  }
}
