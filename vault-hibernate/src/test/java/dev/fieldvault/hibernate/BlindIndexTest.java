package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.Subscriber;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BlindIndexTest {

  // tag::blind-index-query[]
  static List<Subscriber> findByEmail(Session session, String email) {
    HibernateVault vault = HibernateVault.of(session.getSessionFactory());
    return session.createQuery("select s from Subscriber s where s.emailIndex in :indexes", Subscriber.class)
        .setParameter("indexes", vault.blindIndexes(Subscriber.class, "email", email))
        .getResultList();
  }
  // end::blind-index-query[]

  private static List<String> names(Session s, String email) {
    return findByEmail(s, email).stream().map(x -> x.name).sorted().collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aRandomizedAttribute_isFoundThroughItsBlindIndex_beforeAndAfterAPrfKeyRotation(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_subscriber");
    Keyring keyring = Keyring.generate("bi");
    try (SessionFactory sf = Jpa.build(db, keyring, Subscriber.class)) {
      HibernateVault vault = HibernateVault.of(sf);
      assertThat(vault.attribute(Subscriber.class, "email").blindIndexColumn()).isEqualTo("email_bidx");
      Subscriber ann = new Subscriber("ann", "Ann@Example.com");
      Jpa.tx(sf, s -> {
        s.persist(ann);
        s.persist(new Subscriber("bob", "bob@example.com"));
      });
      assertThat(ann.emailIndex).as("filled on the entity too").hasSize(FieldCipher.BLIND_INDEX_HEADER + 16);
      byte[] raw = (byte[]) Jpa.raw(db, "hib_subscriber", "email_bidx", ann.id);
      assertThat(raw).isEqualTo(ann.emailIndex);
      assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContainIgnoringCase("ann");

      Jpa.tx(sf, s -> {
        assertThat(names(s, "  ANN@example.COM ")).containsExactly("ann");
        assertThat(names(s, "nobody@example.com")).isEmpty();
      });

      // an update recomputes the index
      Jpa.tx(sf, s -> s.find(Subscriber.class, ann.id).email = "ann@new.example");
      Jpa.tx(sf, s -> {
        assertThat(names(s, "ann@example.com")).isEmpty();
        assertThat(names(s, "ANN@new.example")).containsExactly("ann");
      });

      // rotate the PRF key: old indexes and new ones are both found
      VaultKeyset prf = keyring.prf().orElseThrow().rotate();
      vault.reload(keyring.with(prf));
      Jpa.tx(sf, s -> s.persist(new Subscriber("ann-too", "ann@new.example")));
      Jpa.tx(sf, s -> assertThat(names(s, "ann@new.example")).containsExactly("ann", "ann-too"));
    }
  }
}
