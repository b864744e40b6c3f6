package dev.fieldvault.benchmarks.hibernate;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The same entity with three FieldVault fields (binary columns). */
@Entity
@Table(name = "bench_fv_customer")
public class EncryptedCustomer implements BenchCustomer {
  @Id
  private Long id;
  @Encrypted
  private String name;
  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  private String email;
  @Encrypted
  private String phone;
  private int tier;

  @Override
  public void fill(long id, String name, String email, String phone) {
    this.id = id;
    this.name = name;
    this.email = email;
    this.phone = phone;
    this.tier = (int) (id % 3);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String email() {
    return email;
  }

  @Override
  public String phone() {
    return phone;
  }
}
