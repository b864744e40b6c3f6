package dev.fieldvault.benchmarks.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The AES floor's entity: the plain one in its own table (the floor adds raw Tink work beside it). */
@Entity
@Table(name = "bench_floor_customer")
public class FloorCustomer implements BenchCustomer {
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
