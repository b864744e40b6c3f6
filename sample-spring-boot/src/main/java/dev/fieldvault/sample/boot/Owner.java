package dev.fieldvault.sample.boot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;

/** A pet owner: personal data encrypted; the last name searchable by equality, the telephone by blind index. */
@Entity
@Table(name = "pc_owner")
public class Owner {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "pc_owner_seq")
  @SequenceGenerator(name = "pc_owner_seq", sequenceName = "pc_owner_seq", allocationSize = 50)
  public Long id;

  @Encrypted
  @Column(name = "first_name", length = 30)
  public String firstName;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)   // where o.lastName = :lastName works unchanged
  @Column(name = "last_name", length = 30)
  public String lastName;

  @Encrypted(rowBound = true)                        // a value copied to another row fails to decrypt
  @Column(length = 255)
  public String address;

  @Encrypted
  @Column(length = 20)
  public String telephone;

  @JsonIgnore
  @BlindIndex(of = "telephone", normalization = BlindIndex.Normalization.CASE_INSENSITIVE)
  @Column(name = "telephone_bi")
  public byte[] telephoneIndex;

  @OneToMany(mappedBy = "owner", cascade = CascadeType.ALL)
  public List<Pet> pets = new ArrayList<>();

  public Owner() {}

  public Owner(String firstName, String lastName, String address, String telephone) {
    this.firstName = firstName;
    this.lastName = lastName;
    this.address = address;
    this.telephone = telephone;
  }
}
