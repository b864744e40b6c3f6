package dev.fieldvault.benchmarks.hibernate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.keys.Keyring;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Hibernate: persist 100 entities in one transaction (JDBC batching on), find one by id in a fresh
 * session, and query 100 entities — for a plain entity, the same entity with three {@code @Encrypted}
 * fields, and the same entity with a hand-written Tink converter on those fields; on H2 and PostgreSQL
 * (FIELDVAULT_BENCH_POSTGRES_URL, default jdbc:postgresql://127.0.0.1:5432/test, user postgres).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HibernateBenchmark {

  static final int PRELOADED = 2_000;
  static final int BATCH = 100;

  @Param({"H2", "POSTGRES"})
  public String database;

  @Param({"PLAIN", "FIELDVAULT", "CONVERTER"})
  public String variant;

  private HikariDataSource dataSource;
  private SessionFactory sf;
  private Class<? extends BenchCustomer> type;
  private long nextId;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    type = switch (variant) {
      case "PLAIN" -> PlainCustomer.class;
      case "FIELDVAULT" -> EncryptedCustomer.class;
      default -> ConverterCustomer.class;
    };
    HikariConfig hc = new HikariConfig();
    if (database.equals("H2")) {
      hc.setJdbcUrl("jdbc:h2:mem:bench" + variant + ";DB_CLOSE_DELAY=-1");
      hc.setUsername("sa");
    } else {
      hc.setJdbcUrl(env("FIELDVAULT_BENCH_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
      hc.setUsername(env("FIELDVAULT_BENCH_POSTGRES_USER", "postgres"));
      hc.setPassword(env("FIELDVAULT_BENCH_POSTGRES_PASSWORD", ""));
    }
    hc.setMaximumPoolSize(2);
    dataSource = new HikariDataSource(hc);
    Configuration cfg = new Configuration().addAnnotatedClass(type);
    cfg.getProperties().put("hibernate.connection.datasource", dataSource);
    cfg.setProperty("hibernate.hbm2ddl.auto", "create-drop");
    cfg.setProperty("hibernate.jdbc.batch_size", String.valueOf(BATCH));
    cfg.setProperty("hibernate.order_inserts", "true");
    cfg.setProperty("hibernate.show_sql", "false");
    if (variant.equals("FIELDVAULT")) {
      cfg.getProperties().put(FieldVaultSettings.KEYRING, Keyring.generate("bench"));
    }
    sf = cfg.buildSessionFactory();
    nextId = 1;
    persistBatch(PRELOADED);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sf.close();
    dataSource.close();
  }

  private void persistBatch(int n) throws Exception {
    try (Session s = sf.openSession()) {
      s.getTransaction().begin();
      for (int i = 0; i < n; i++) {
        long id = nextId++;
        BenchCustomer c = type.getDeclaredConstructor().newInstance();
        c.fill(id, "Customer Name " + id, "customer" + id + "@example.com", "+1 555 " + (1_000_000 + id));
        s.persist(c);
      }
      s.getTransaction().commit();
    }
  }

  @Benchmark
  public void persist100() throws Exception {
    persistBatch(BATCH);
  }

  @Benchmark
  public void findById(Blackhole bh) {
    long id = 1 + ThreadLocalRandom.current().nextLong(PRELOADED);
    try (Session s = sf.openSession()) {
      BenchCustomer c = s.find(type, id);
      bh.consume(c.name());
      bh.consume(c.email());
      bh.consume(c.phone());
    }
  }

  @Benchmark
  public void query100(Blackhole bh) {
    long from = 1 + ThreadLocalRandom.current().nextLong(PRELOADED - BATCH);
    try (Session s = sf.openSession()) {
      List<? extends BenchCustomer> list = s.createSelectionQuery(
          "from " + type.getSimpleName() + " c where c.id between :a and :b", type)
          .setParameter("a", from).setParameter("b", from + BATCH - 1).list();
      for (BenchCustomer c : list) {
        bh.consume(c.name());
        bh.consume(c.email());
        bh.consume(c.phone());
      }
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
