package dev.fieldvault.secrets;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/** Databases with the secrets tables applied through the shipped Liquibase changelog (prefix sv_...). */
final class SecretsTestSupport {

  static final String CHANGELOG = "db/changelog/fieldvault/secrets-changelog.xml";
  private static final Map<Kind, TestDatabase> H2 = new EnumMap<>(Kind.class);
  private static final Set<String> MIGRATED = new HashSet<>();

  static {
    // no anonymous usage reporting from tests (it also costs seconds of network timeouts offline)
    System.setProperty("liquibase.analytics.enabled", "false");
    System.setProperty("liquibase.showBanner", "false");
  }

  private SecretsTestSupport() {}

  /** The database of a kind (one H2 database shared by the test run). */
  static synchronized TestDatabase db(Kind kind) {
    if (kind == Kind.H2) {
      return H2.computeIfAbsent(kind, k -> TestDatabases.h2());
    }
    return TestDatabases.get(kind);
  }

  /** The database with fresh secrets tables under {@code prefix}, migrated once per run. */
  static synchronized TestDatabase migrated(Kind kind, String prefix) throws Exception {
    TestDatabase db = db(kind);
    if (MIGRATED.add(kind + prefix)) {
      dropAll(db, prefix);
      migrate(db, prefix);
    }
    return db;
  }

  static void dropAll(TestDatabase db, String prefix) throws Exception {
    db.dropTables(prefix + "version", prefix + "entry", prefix + "store", prefix + "audit", prefix + "audit_head",
        prefix + "databasechangelog", prefix + "databasechangeloglock");
    db.dropTables(prefix + "task_lease"); // s16b: the scheduler's leases
  }

  static void migrate(TestDatabase db, String prefix) throws Exception {
    migrate(db, prefix, 0);
  }

  /** Applies the first {@code changesets} changesets of the secrets changelog (0: all). */
  static void migrate(TestDatabase db, String prefix, int changesets) throws Exception {
    try (Connection c = db.connect()) {
      Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      database.setDatabaseChangeLogTableName(prefix + "databasechangelog");
      database.setDatabaseChangeLogLockTableName(prefix + "databasechangeloglock");
      @SuppressWarnings("deprecation")
      Liquibase lb = new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(), database);
      lb.setChangeLogParameter("fieldvault.secrets.prefix", prefix);
      if (changesets > 0) {
        lb.update(changesets, new Contexts(), new LabelExpression());
      } else {
        lb.update(new Contexts(), new LabelExpression());
      }
    }
  }

  /** Fresh rotation work tables (for rewrapAll) under {@code prefix}. */
  static VaultTables rotationTables(TestDatabase db, String prefix) throws Exception {
    VaultTables t = VaultTables.withPrefix(prefix);
    db.dropTables(t.keyset(), t.rotation(), t.rotationRange());
    t.install(db.dataSource());
    return t;
  }

  static FieldCipher cipher() {
    return FieldCipher.create(Keyring.generate("secrets-test"));
  }

  /** Waits until {@code n} writes wait in the vault's write queue. */
  static void awaitQueued(SecretsVault vault, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (vault.writes().queued() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    org.assertj.core.api.Assertions.assertThat(vault.writes().queued()).as("writes queued").isEqualTo(n);
  }

  /** Waits until {@code n} write threads hold a batch (and nothing is queued). */
  static void awaitBusy(SecretsVault vault, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!(vault.writes().busy() == n && vault.writes().queued() == 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    org.assertj.core.api.Assertions.assertThat(vault.writes().busy()).as("busy write threads").isEqualTo(n);
  }

  static String unique(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A clock tests move forward by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
