package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code @Encrypted} values in an {@code @ElementCollection} are refused when the session factory
 * starts (Hibernate deletes single elements by their column value, which a randomized ciphertext never
 * matches; a collection table has no row id to bind or rotate by). Tables: {@code hibc_}.
 */
class ElementCollectionTest {

  @Entity(name = "PhoneBook")
  @Table(name = "hibc_phone_book")
  public static class PhoneBook {
    @Id public Long id;

    @ElementCollection
    @CollectionTable(name = "hibc_phone_book_numbers")
    @Encrypted
    @Column(name = "number", length = 20)
    public List<String> numbers = new ArrayList<>();
  }

  @Embeddable
  public static class Phone {
    @Encrypted
    @Column(name = "number", length = 20)
    public String number;

    public String kind;
  }

  @Entity(name = "Contact")
  @Table(name = "hibc_contact")
  public static class Contact {
    @Id public Long id;

    @ElementCollection
    @CollectionTable(name = "hibc_contact_phones")
    public Set<Phone> phones = new HashSet<>();
  }

  @Entity(name = "Directory")
  @Table(name = "hibc_directory")
  public static class Directory {
    @Id public Long id;

    @ElementCollection
    @CollectionTable(name = "hibc_directory_entries")
    @MapKeyColumn(name = "person")
    @Column(name = "room")
    public Map<String, Integer> rooms = new HashMap<>();
  }

  @Entity(name = "PlainDirectory")
  @Table(name = "hibc_plain_directory")
  public static class PlainDirectory {
    @Id public Long id;

    @Encrypted
    @Column(length = 20)
    public String owner;

    @ElementCollection
    @CollectionTable(name = "hibc_plain_directory_entries")
    public Set<String> tags = new HashSet<>();
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void encryptedElements_failTheStartup_namingEntityAttributeAndTable(TestDatabases.Kind kind) {
    TestDatabase db = TestDatabases.get(kind); // outside the assertion: an unavailable database skips, never passes
    assertThatThrownBy(() -> Jpa.build(db, Keyring.generate("hibc"), PhoneBook.class).close())
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("elements in collection PhoneBook.numbers (table hibc_phone_book_numbers)")
        .hasMessageContaining("does not encrypt @ElementCollection values")
        .hasMessageContaining("@OneToMany");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anEmbeddableElementWithAnEncryptedAttribute_failsTheStartup(TestDatabases.Kind kind) {
    TestDatabase db = TestDatabases.get(kind); // outside the assertion: an unavailable database skips, never passes
    assertThatThrownBy(() -> Jpa.build(db, Keyring.generate("hibc"), Contact.class).close())
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("attribute 'number' of the elements in collection Contact.phones"
            + " (table hibc_contact_phones)");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void elementCollectionsWithoutEncryptedValues_stillStart(TestDatabases.Kind kind) throws Exception {
    TestDatabases.get(kind).dropTables("hibc_plain_directory_entries", "hibc_plain_directory",
        "hibc_directory_entries", "hibc_directory");
    try (SessionFactory sf = Jpa.build(TestDatabases.get(kind), Keyring.generate("hibc"), PlainDirectory.class,
        Directory.class)) {
      Jpa.tx(sf, s -> {
        PlainDirectory d = new PlainDirectory();
        d.id = 1L;
        d.owner = "ann";
        d.tags.add("x");
        s.persist(d);
      });
      String owner = Jpa.call(sf, s -> s.find(PlainDirectory.class, 1L).owner);
      assertThat(owner).isEqualTo("ann");
    }
  }
}
