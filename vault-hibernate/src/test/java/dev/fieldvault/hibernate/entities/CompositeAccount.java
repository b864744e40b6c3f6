package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** An entity with a composite id (tenant, code) and encrypted fields that are not row-bound. */
@Entity(name = "CompositeAccount")
@Table(name = "hibrck_account")
public class CompositeAccount {

  /** The composite id. */
  @Embeddable
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    @Column(name = "tenant_id")
    public Long tenantId;
    @Column(name = "code", length = 40)
    public String code;

    public Key() {}

    public Key(long tenantId, String code) {
      this.tenantId = tenantId;
      this.code = code;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Objects.equals(tenantId, k.tenantId) && Objects.equals(code, k.code);
    }

    @Override
    public int hashCode() {
      return Objects.hash(tenantId, code);
    }
  }

  @EmbeddedId
  public Key id;
  @Encrypted
  @Column(length = 60)
  public String secret;
  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 60)
  public String email;

  public CompositeAccount() {}

  public CompositeAccount(long tenantId, String code, String secret, String email) {
    this.id = new Key(tenantId, code);
    this.secret = secret;
    this.email = email;
  }
}
