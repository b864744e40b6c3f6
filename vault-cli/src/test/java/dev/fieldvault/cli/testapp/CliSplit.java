package dev.fieldvault.cli.testapp;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrimaryKeyJoinColumn;
import jakarta.persistence.SecondaryTable;
import jakarta.persistence.Table;

/** A row-bound attribute in a secondary table keyed by {@code split_id}. */
@Entity(name = "CliSplit")
@Table(name = "app_cli_split")
@SecondaryTable(name = "app_cli_split_more", pkJoinColumns = @PrimaryKeyJoinColumn(name = "split_id"))
public class CliSplit {

  @Id
  public Long id;

  @Encrypted(rowBound = true)
  @Column(table = "app_cli_split_more")
  public String note;

  protected CliSplit() {}
}
