package dev.fieldvault.sample.entity;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A support ticket: the free-text body is encrypted (compressed when long, base64 in a text column). */
@Entity(name = "SupportTicket")
@Table(name = "app_support_ticket")
public class SupportTicket {

  @Id
  private Long id;

  @Column(name = "customer_id", nullable = false)
  private Long customerId;

  @Column(nullable = false)
  private String subject;

  @Encrypted(rowBound = true, compressAbove = 64, storage = ColumnStorage.TEXT)
  @Column(length = 2000)
  private String body;

  protected SupportTicket() {}

  public SupportTicket(long id, long customerId, String subject, String body) {
    this.id = id;
    this.customerId = customerId;
    this.subject = subject;
    this.body = body;
  }

  public Long id() {
    return id;
  }

  public Long customerId() {
    return customerId;
  }

  public String subject() {
    return subject;
  }

  public String body() {
    return body;
  }

  @Override
  public String toString() {
    return "SupportTicket#" + id + "(customer " + customerId + ")";
  }
}
