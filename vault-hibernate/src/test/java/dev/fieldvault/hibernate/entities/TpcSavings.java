package dev.fieldvault.hibernate.entities;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A {@code TABLE_PER_CLASS} subclass: its own table holds its own copy of {@link TpcAccount}'s columns. */
@Entity(name = "TpcSavings")
@Table(name = "hib_tpc_savings")
public class TpcSavings extends TpcAccount {
  public Integer rate;

  public TpcSavings() {}

  public TpcSavings(Long id, String secret, String email, Integer rate) {
    super(id, secret, email);
    this.rate = rate;
  }
}
