package dev.fieldvault.hibernate.entities;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The one concrete class of {@link TpaBase}. */
@Entity(name = "TpaCard")
@Table(name = "hib_tpa_card")
public class TpaCard extends TpaBase {
  public TpaCard() {}

  public TpaCard(Long id, String note) {
    this.id = id;
    this.note = note;
  }
}
