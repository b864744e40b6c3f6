package dev.fieldvault.cli.testapp;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Entity;
import jakarta.persistence.PrimaryKeyJoinColumn;
import jakarta.persistence.Table;

/** A JOINED subclass whose table is keyed by {@code member_id}, with a row-bound attribute. */
@Entity(name = "CliMember")
@Table(name = "app_cli_member")
@PrimaryKeyJoinColumn(name = "member_id")
public class CliMember extends CliParty {

  @Encrypted(rowBound = true)
  public String email;

  protected CliMember() {}
}
