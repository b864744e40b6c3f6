package dev.fieldvault.benchmarks.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The baseline: no encryption. */
@Entity
@Table(name = "bench_plain_customer")
public class PlainCustomer implements BenchCustomer {
  @Id
  private Long id;
  private String name;
  private String email;
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
