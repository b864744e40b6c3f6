package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;

/** A SINGLE_TABLE subclass mapping column {@code code} in its own context: refused beside {@link StCar}. */
@Entity(name = "StTruck")
public class StTruck extends StVehicle {
  @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
  @Column(name = "code", length = 100)
  public String code;
}
