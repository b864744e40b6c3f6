package dev.fieldvault.cli.testapp;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An entity in a schema of its own: its table is declared qualified. */
@Entity(name = "CliSchemaAccount")
@Table(name = "app_cli_account", schema = "app_s2")
public class CliSchemaAccount {

  @Id
  public Long id;

  @Encrypted
  public String email;
}
