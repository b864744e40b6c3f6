package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.ValueCodecs;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Cacheable;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.hibernate.SessionFactory;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cache.spi.entry.CacheEntry;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With Hibernate's second-level cache on (JCache, Caffeine), @Encrypted attributes are cached as
 * ciphertexts bound to a cache context of their attribute, never as plaintext. Tables: {@code hibc_}.
 */
class SecondLevelCacheTest {

  static final String EMAIL = "ann.cached@example.com";
  static final String SSN = "078-05-1120-cached";
  static final String NOTE = "allergic to penicillin, cached";
  static final long BALANCE = 0x1122334455667788L;

  @Entity(name = "CachedPatient")
  @Table(name = "hibc_patient")
  @Cacheable
  @org.hibernate.annotations.Cache(usage = CacheConcurrencyStrategy.NONSTRICT_READ_WRITE)
  public static class CachedPatient {
    @Id public Long id;

    public String name;

    @Encrypted(mode = EncryptionMode.DETERMINISTIC)
    @Column(length = 100)
    public String email;

    @Encrypted(rowBound = true)
    @Column(length = 30)
    public String ssn;

    @Encrypted
    @Column(length = 100)
    public String note;

    @Encrypted
    public Long balance;

    public CachedPatient() {}

    CachedPatient(Long id, String name) {
      this.id = id;
      this.name = name;
      this.email = EMAIL;
      this.ssn = SSN;
      this.note = NOTE;
      this.balance = BALANCE;
    }
  }

  private static SessionFactory cached(TestDatabase db, Object keys) throws Exception {
    db.dropTables("hibc_patient");
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keys);
    settings.put("hibernate.cache.use_second_level_cache", "true");
    settings.put("hibernate.cache.region.factory_class", "jcache");
    settings.put("hibernate.javax.cache.provider", "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider");
    settings.put("hibernate.javax.cache.missing_cache_strategy", "create");
    settings.put("hibernate.cache.use_query_cache", "true");
    settings.put("hibernate.generate_statistics", "true");
    return Jpa.build(db, settings, CachedPatient.class);
  }

  private static CachedPatient load(SessionFactory sf, long id) {
    return Jpa.call(sf, s -> s.find(CachedPatient.class, id));
  }

  private static CacheManager cacheManager(SessionFactory sf) {
    return ((JCacheRegionFactory) sf.unwrap(SessionFactoryImplementor.class).getCache().getRegionFactory())
        .getCacheManager();
  }

  /** Every cache of the session factory's JCache manager, entries serialized as a shared cache would. */
  private static List<byte[]> serializedCacheContents(SessionFactory sf) throws IOException {
    CacheManager manager = cacheManager(sf);
    List<byte[]> out = new ArrayList<>();
    for (String name : manager.getCacheNames()) {
      Cache<Object, Object> cache = manager.getCache(name);
      for (Cache.Entry<Object, Object> e : cache) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
          oos.writeObject(e.getKey());
          oos.writeObject(e.getValue());
        }
        out.add(bytes.toByteArray());
      }
    }
    return out;
  }

  /** The JCache of the patient's region (it holds CacheEntry values under NONSTRICT_READ_WRITE). */
  private static Cache<Object, Object> patientCache(SessionFactory sf) {
    CacheManager manager = cacheManager(sf);
    for (String name : manager.getCacheNames()) {
      Cache<Object, Object> cache = manager.getCache(name);
      for (Cache.Entry<Object, Object> e : cache) {
        if (e.getValue() instanceof CacheEntry) {
          return cache;
        }
      }
    }
    throw new AssertionError("no entity cache entry");
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void secondLoad_isACacheHit_andTheCacheHoldsNoPlaintext(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = cached(db, Keyring.generate("hibc"))) {
      Jpa.tx(sf, s -> s.persist(new CachedPatient(1L, "ann")));
      sf.getCache().evictAllRegions();
      Statistics stats = sf.getStatistics();
      stats.clear();

      CachedPatient first = load(sf, 1L);
      assertThat(stats.getSecondLevelCacheMissCount()).isEqualTo(1);
      assertThat(stats.getSecondLevelCachePutCount()).isEqualTo(1);
      long statements = stats.getPrepareStatementCount();

      CachedPatient second = load(sf, 1L);
      assertThat(stats.getSecondLevelCacheHitCount()).isEqualTo(1);
      assertThat(stats.getPrepareStatementCount()).isEqualTo(statements);
      for (CachedPatient p : List.of(first, second)) {
        assertThat(p.name).isEqualTo("ann");
        assertThat(p.email).isEqualTo(EMAIL);
        assertThat(p.ssn).isEqualTo(SSN);
        assertThat(p.note).isEqualTo(NOTE);
        assertThat(p.balance).isEqualTo(BALANCE);
      }

      List<byte[]> contents = serializedCacheContents(sf);
      assertThat(contents).isNotEmpty();
      assertThat(contents.stream().anyMatch(c -> contains(c, "ann".getBytes(StandardCharsets.UTF_8))))
          .as("the unencrypted name is in the cache: the inspection sees the entry").isTrue();
      for (byte[] c : contents) {
        for (String plaintext : List.of(EMAIL, SSN, NOTE)) {
          assertThat(contains(c, plaintext.getBytes(StandardCharsets.UTF_8))).as(plaintext).isFalse();
          assertThat(contains(c, plaintext.getBytes(StandardCharsets.UTF_16BE))).as(plaintext).isFalse();
        }
        assertThat(contains(c, ValueCodecs.LONG.encode(BALANCE))).as("balance").isFalse();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void theQueryCache_holdsNoPlaintext_ofSelectedEncryptedAttributes(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = cached(db, Keyring.generate("hibc"))) {
      Jpa.tx(sf, s -> s.persist(new CachedPatient(4L, "dan")));
      sf.getCache().evictAllRegions();
      Statistics stats = sf.getStatistics();
      stats.clear();
      for (int i = 0; i < 2; i++) {
        Object[] row = Jpa.call(sf, s -> s.createQuery("select p.note, p.balance, p.email, p from CachedPatient p"
            + " where p.name = :n", Object[].class).setParameter("n", "dan").setCacheable(true).getSingleResult());
        assertThat(row[0]).isEqualTo(NOTE);
        assertThat(row[1]).isEqualTo(BALANCE);
        assertThat(row[2]).isEqualTo(EMAIL);
        assertThat(((CachedPatient) row[3]).ssn).isEqualTo(SSN);
      }
      assertThat(stats.getQueryCacheHitCount()).isEqualTo(1);
      for (byte[] c : serializedCacheContents(sf)) {
        for (String plaintext : List.of(EMAIL, SSN, NOTE)) {
          assertThat(contains(c, plaintext.getBytes(StandardCharsets.UTF_8))).as(plaintext).isFalse();
        }
        assertThat(contains(c, ValueCodecs.LONG.encode(BALANCE))).as("balance").isFalse();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aCacheEntryMovedToAnotherAttribute_failsToAssemble(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = cached(db, Keyring.generate("hibc"))) {
      Jpa.tx(sf, s -> s.persist(new CachedPatient(2L, "bob")));
      load(sf, 2L); // cached
      Cache<Object, Object> cache = patientCache(sf);
      for (Cache.Entry<Object, Object> e : cache) {
        CacheEntry entry = (CacheEntry) e.getValue();
        Serializable[] state = entry.getDisassembledState();
        int note = index(sf, "note");
        int ssn = index(sf, "ssn");
        state[note] = state[ssn]; // the ssn's cache entry in the note's place
        cache.put(e.getKey(), entry);
      }

      assertThatThrownBy(() -> load(sf, 2L))
          .isInstanceOfSatisfying(AttributeDecryptionException.class,
              e -> assertThat(e.attributePath()).isEqualTo("note"))
          .hasCauseInstanceOf(DecryptionFailedException.class)
          .hasMessageNotContaining(SSN);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aCacheEntryUnderAnOldKey_assemblesAfterAPromotion_andFailsTypedOnceTheKeyIsDisabled(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    Keyring v1 = Keyring.generate("hibc");
    try (SessionFactory sf = cached(db, v1)) {
      Jpa.tx(sf, s -> s.persist(new CachedPatient(3L, "cid")));
      sf.getCache().evictAllRegions();
      load(sf, 3L); // cached under v1

      VaultKeyset aead = v1.aead().orElseThrow().rotate();
      VaultKeyset det = v1.deterministic().orElseThrow().rotate();
      HibernateVault.of(sf).reload(v1.with(aead).with(det));
      Statistics stats = sf.getStatistics();
      stats.clear();
      CachedPatient afterPromotion = load(sf, 3L);
      assertThat(stats.getSecondLevelCacheHitCount()).isEqualTo(1);
      assertThat(afterPromotion.note).isEqualTo(NOTE);
      assertThat(afterPromotion.ssn).isEqualTo(SSN);

      int oldOrdinal = v1.aead().orElseThrow().primary().ordinal();
      HibernateVault.of(sf).reload(v1.with(aead.disable(oldOrdinal)).with(det));
      assertThatThrownBy(() -> load(sf, 3L))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(KeyUnavailableException.class);
    }
  }

  private static int index(SessionFactory sf, String property) {
    String[] names = sf.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
        .getEntityDescriptor(CachedPatient.class).getPropertyNames();
    return List.of(names).indexOf(property);
  }
}
