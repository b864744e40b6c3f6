package dev.fieldvault.benchmarks.hibernate;

import java.util.concurrent.TimeUnit;
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
 * Hibernate under JMH (one variant per fork): persist 100 entities in one transaction (JDBC batching
 * on), find one by id in a fresh session, and query 100 entities — see {@link HibernateFixture} for the
 * variants ({@code PLAIN}, {@code FIELDVAULT}, {@code CONVERTER}, {@code FLOOR}) and databases (H2,
 * PostgreSQL from FIELDVAULT_BENCH_POSTGRES_URL, MariaDB from FIELDVAULT_BENCH_MARIADB_URL). Run it
 * with {@code -prof gc} for the allocation per operation. The figures in BENCHMARKS.md come from
 * {@link HibernateRounds}, which alternates the variants in one JVM and is tighter on a noisy machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HibernateBenchmark {

  @Param({"H2", "POSTGRES", "MARIADB"})
  public String database;

  @Param({"PLAIN", "FIELDVAULT", "CONVERTER", "FLOOR"})
  public String variant;

  private HibernateFixture fixture;

  @Setup(Level.Trial)
  public void setUp() {
    fixture = new HibernateFixture(database, variant, null);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public void persist100(Blackhole bh) throws Exception {
    fixture.persist100(bh);
  }

  @Benchmark
  public void findById(Blackhole bh) {
    fixture.findById(bh);
  }

  @Benchmark
  public void query100(Blackhole bh) {
    fixture.query100(bh);
  }
}
