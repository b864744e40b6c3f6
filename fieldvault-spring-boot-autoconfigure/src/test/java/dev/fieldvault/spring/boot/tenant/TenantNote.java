package dev.fieldvault.spring.boot.tenant;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.TenantId;

/** Discriminator multi-tenancy: each encrypted value is bound to, and encrypted under the keyring of, its tenant. */
@Entity
@Table(name = "sbt_tenant_note")
public class TenantNote {

  @Id public Long id;

  @TenantId
  @Column(name = "tenant_id", length = 40)
  public String tenant;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 200)
  public String owner;

  @Encrypted
  @Column(length = 400)
  public String body;

  protected TenantNote() {}

  public TenantNote(long id, String owner, String body) {
    this.id = id;
    this.owner = owner;
    this.body = body;
  }
}
