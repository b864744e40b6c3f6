package dev.fieldvault.hibernate.entities;

import jakarta.persistence.DiscriminatorColumn;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.Table;

/** A SINGLE_TABLE root whose subclasses map one column {@code code} each (see {@link StCar}, {@link StBike}). */
@Entity(name = "StVehicle")
@Table(name = "hib_st_vehicle")
@Inheritance(strategy = InheritanceType.SINGLE_TABLE)
@DiscriminatorColumn(name = "kind")
public class StVehicle {
  @Id public Long id;
}
