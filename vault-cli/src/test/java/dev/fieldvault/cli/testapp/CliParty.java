package dev.fieldvault.cli.testapp;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.Table;

/** The root of a JOINED hierarchy keyed by {@code id}, whose subclass {@link CliMember} is keyed by {@code member_id}. */
@Entity(name = "CliParty")
@Table(name = "app_cli_party")
@Inheritance(strategy = InheritanceType.JOINED)
public class CliParty {

  @Id
  public Long id;

  protected CliParty() {}
}
