package dev.fieldvault.sample.boot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.LocalDate;

/** A pet: its name in clear, its birth date and medical notes encrypted. */
@Entity
@Table(name = "pc_pet")
public class Pet {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "pc_pet_seq")
  @SequenceGenerator(name = "pc_pet_seq", sequenceName = "pc_pet_seq", allocationSize = 50)
  public Long id;

  @Column(length = 30, nullable = false)
  public String name;

  @Column(length = 20, nullable = false)
  public String type;

  @Encrypted
  @Column(name = "birth_date")
  public LocalDate birthDate;

  @Encrypted(compressAbove = 200)
  @Column(length = 2000)
  public String notes;

  @JsonIgnore
  @ManyToOne(optional = false)
  @JoinColumn(name = "owner_id")
  public Owner owner;

  public Pet() {}
}
