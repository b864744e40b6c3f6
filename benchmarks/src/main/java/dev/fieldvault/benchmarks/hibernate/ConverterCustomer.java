package dev.fieldvault.benchmarks.hibernate;

import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The same entity with hand-written Tink converters in the modes {@code @Encrypted} uses (AES-GCM for name
 * and phone, AES-SIV for the searchable email; binary columns): what teams write today, like for like.
 */
@Entity
@Table(name = "bench_conv_customer")
public class ConverterCustomer implements BenchCustomer {
  @Id
  private Long id;
  @Convert(converter = HandWrittenAeadConverter.class)
  private String name;
  @Convert(converter = HandWrittenDeterministicConverter.class)
  private String email;
  @Convert(converter = HandWrittenAeadConverter.class)
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
