package dev.fieldvault.spring.boot.multi.second;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An {@code @Encrypted} entity of a second EntityManagerFactory, on a second DataSource. */
@Entity
@Table(name = "sbt_order2")
public class Order2 {
  @Id
  public Long id;

  @Encrypted
  @Column(length = 40)
  public String code;

  public Order2() {}

  public Order2(Long id, String code) {
    this.id = id;
    this.code = code;
  }
}
