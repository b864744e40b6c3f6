package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;

/** A SINGLE_TABLE subclass mapping column {@code code} with the context pinned for the hierarchy. */
@Entity(name = "StCar")
public class StCar extends StVehicle {
  @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT, context = "StVehicle.code")
  @Column(name = "code", length = 100)
  public String code;
}
