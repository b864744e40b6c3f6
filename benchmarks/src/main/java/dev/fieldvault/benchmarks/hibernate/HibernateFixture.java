package dev.fieldvault.benchmarks.hibernate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.keys.Keyring;
import java.util.List;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One variant of the Hibernate benchmark on one database: a HikariCP pool of 2, a session factory for
 * the variant's entity (JDBC batching on) and 2,000 preloaded rows; the three operations. Shared by the
 * JMH suite ({@link HibernateBenchmark}) and the paired-rounds harness ({@link HibernateRounds}).
 *
 * <p>Variants: {@code PLAIN} (no encryption), {@code FIELDVAULT} (three {@code @Encrypted} fields: two
 * randomized AES-GCM, one deterministic AES-SIV), {@code CONVERTER} (hand-written raw Tink converters in
 * the same modes), {@code FLOOR} (the plain entity, plus the raw Tink work of the same number of
 * encryptions or decryptions: the AES floor no encrypting layer can go under).
 */
final class HibernateFixture implements AutoCloseable {

  static final int PRELOADED = 2_000;
  static final int BATCH = 100;

  final String database;
  final String variant;
  private final HikariDataSource pool;
  private final SessionFactory sf;
  private final Class<? extends BenchCustomer> type;
  private final boolean floor;
  private final byte[] floorName = RawTink.encrypt("Customer Name 1234");
  private final byte[] floorEmail = RawTink.encryptDeterministically("customer1234@example.com");
  private final byte[] floorPhone = RawTink.encrypt("+1 555 1001234");
  private final SplittableRandom random = new SplittableRandom(42);
  private long nextId;

  /**
   * @param wrap wraps the pool before Hibernate sees it (a counting proxy), or null
   */
  HibernateFixture(String database, String variant, java.util.function.UnaryOperator<DataSource> wrap) {
    this(database, variant, wrap, false);
  }

  /** @param statistics whether Hibernate keeps statistics (the counting pass: query plan cache hits) */
  HibernateFixture(String database, String variant, java.util.function.UnaryOperator<DataSource> wrap,
      boolean statistics) {
    this.database = database;
    this.variant = variant;
    this.floor = variant.equals("FLOOR");
    type = switch (variant) {
      case "PLAIN" -> PlainCustomer.class;
      case "FLOOR" -> FloorCustomer.class;
      case "FIELDVAULT" -> EncryptedCustomer.class;
      case "CONVERTER" -> ConverterCustomer.class;
      default -> throw new IllegalArgumentException("variant " + variant + ": PLAIN, FIELDVAULT, CONVERTER or FLOOR");
    };
    HikariConfig hc = new HikariConfig();
    switch (database) {
      case "H2" -> {
        hc.setJdbcUrl("jdbc:h2:mem:bench" + variant + ";DB_CLOSE_DELAY=-1");
        hc.setUsername("sa");
      }
      case "POSTGRES" -> {
        hc.setJdbcUrl(env("FIELDVAULT_BENCH_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
        hc.setUsername(env("FIELDVAULT_BENCH_POSTGRES_USER", "postgres"));
        hc.setPassword(env("FIELDVAULT_BENCH_POSTGRES_PASSWORD", ""));
      }
      case "MARIADB" -> {
        hc.setJdbcUrl(env("FIELDVAULT_BENCH_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test"));
        hc.setUsername(env("FIELDVAULT_BENCH_MARIADB_USER", "root"));
        hc.setPassword(env("FIELDVAULT_BENCH_MARIADB_PASSWORD", ""));
      }
      default -> throw new IllegalArgumentException("database " + database + ": H2, POSTGRES or MARIADB");
    }
    hc.setMaximumPoolSize(2);
    pool = new HikariDataSource(hc);
    Configuration cfg = new Configuration().addAnnotatedClass(type);
    cfg.getProperties().put("hibernate.connection.datasource", wrap == null ? pool : wrap.apply(pool));
    cfg.setProperty("hibernate.hbm2ddl.auto", "create-drop");
    cfg.setProperty("hibernate.jdbc.batch_size", String.valueOf(BATCH));
    cfg.setProperty("hibernate.order_inserts", "true");
    cfg.setProperty("hibernate.show_sql", "false");
    cfg.setProperty("hibernate.generate_statistics", String.valueOf(statistics));
    if (variant.equals("FIELDVAULT")) {
      cfg.getProperties().put(FieldVaultSettings.KEYRING, Keyring.generate("bench"));
    }
    sf = cfg.buildSessionFactory();
    nextId = 1;
    try {
      persist(PRELOADED, null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private void persist(int n, Blackhole bh) throws ReflectiveOperationException {
    try (Session s = sf.openSession()) {
      s.getTransaction().begin();
      for (int i = 0; i < n; i++) {
        long id = nextId++;
        BenchCustomer c = type.getDeclaredConstructor().newInstance();
        String name = "Customer Name " + id;
        String email = "customer" + id + "@example.com";
        String phone = "+1 555 " + (1_000_000 + id);
        c.fill(id, name, email, phone);
        if (floor && bh != null) {
          bh.consume(RawTink.encrypt(name));
          bh.consume(RawTink.encryptDeterministically(email));
          bh.consume(RawTink.encrypt(phone));
        }
        s.persist(c);
      }
      s.getTransaction().commit();
    }
  }

  /** Persists 100 new entities in one transaction (one JDBC batch). */
  void persist100(Blackhole bh) throws ReflectiveOperationException {
    persist(BATCH, bh);
  }

  /** Finds one preloaded entity by id in a fresh session and reads its three fields. */
  void findById(Blackhole bh) {
    long id = 1 + random.nextLong(PRELOADED);
    try (Session s = sf.openSession()) {
      BenchCustomer c = s.find(type, id);
      consume(bh, c);
    }
  }

  /** Queries 100 preloaded entities by an id range in a fresh session and reads their fields. */
  void query100(Blackhole bh) {
    long from = 1 + random.nextLong(PRELOADED - BATCH);
    try (Session s = sf.openSession()) {
      List<? extends BenchCustomer> list = s.createSelectionQuery(
          "from " + type.getSimpleName() + " c where c.id between :a and :b", type)
          .setParameter("a", from).setParameter("b", from + BATCH - 1).list();
      for (BenchCustomer c : list) {
        consume(bh, c);
      }
    }
  }

  private void consume(Blackhole bh, BenchCustomer c) {
    bh.consume(c.name());
    bh.consume(c.email());
    bh.consume(c.phone());
    if (floor) {
      bh.consume(RawTink.decrypt(floorName));
      bh.consume(RawTink.decryptDeterministically(floorEmail));
      bh.consume(RawTink.decrypt(floorPhone));
    }
  }

  SessionFactory sessionFactory() {
    return sf;
  }

  /**
   * PostgreSQL only: the server-side prepared statements of one pooled connection with their generic and
   * custom plan counts ({@code pg_prepared_statements}), to see whether the driver's server-side prepare
   * (pgjdbc's prepareThreshold and statement cache) is in use for the benchmark's statements.
   */
  String serverPrepared() throws java.sql.SQLException {
    StringBuilder sb = new StringBuilder();
    try (java.sql.Connection c = pool.getConnection(); java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            + " WHERE statement LIKE '%bench_%'")) {
      while (rs.next()) {
        String sql = rs.getString(1);
        sb.append(String.format(java.util.Locale.ROOT, "%n    generic=%d custom=%d  %s", rs.getLong(2), rs.getLong(3),
            sql.length() > 90 ? sql.substring(0, 90) + "..." : sql));
      }
    }
    return sb.length() == 0 ? " none" : sb.toString();
  }

  @Override
  public void close() {
    sf.close();
    pool.close();
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
