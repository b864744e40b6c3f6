package dev.fieldvault.hibernate.entities;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The plain twin of {@link FuzzRecord}: the same attributes and rows, nothing encrypted. Tables: {@code hfz_}. */
@Entity(name = "PlainFuzzRecord")
@Table(name = "hfz_plain")
public class PlainFuzzRecord {
  @Id public Long id;

  @Column(length = 20)
  public String code;

  @Column(length = 40)
  public String city;

  public Integer grade;

  @Column(length = 20)
  public String note;

  public int n;

  @Column(length = 10)
  public String t;

  public PlainFuzzRecord() {}
}
