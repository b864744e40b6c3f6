package dev.fieldvault.cli.testapp;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An entity with a quoted, mixed-case table and column: the database keeps their case. */
@Entity(name = "CliQuoted")
@Table(name = "\"CliMixed\"")
public class CliQuoted {

  @Id
  @Column(name = "\"mixedId\"")
  public Long id;

  @Encrypted(rowBound = true)
  @Column(name = "\"homeEmail\"")
  public String homeEmail;
}
