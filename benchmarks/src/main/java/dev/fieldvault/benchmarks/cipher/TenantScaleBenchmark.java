package dev.fieldvault.benchmarks.cipher;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredTenantKeyrings;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import javax.sql.DataSource;

/**
 * Per-tenant keyrings at scale: {@code tenants} tenants, each with its own AEAD keyset in the key store
 * table on PostgreSQL (or MariaDB, by {@code url}; a HikariCP pool of 2), served by {@link StoredTenantKeyrings} to a cipher
 * whose caches keep {@code cacheSize} tenants. Three figures:
 *
 * <ul>
 *   <li>every tenant touched once in a random order (one encryption of 64 bytes each; nearly all
 *       misses): the heap still in use after collections (its peak, sampled as it goes), and the
 *       latency of each operation (p50, p99, max: a miss is two queries, an unwrap and the primitive);
 *   <li>{@code misses} further misses at random, timed alone;
 *   <li>a hit: encrypt + decrypt of 64 bytes for tenants already cached (100 of them, random order) vs
 *       the same under one keyring without tenants, alternated over {@code rounds} rounds of 200 ms;
 *       the median ratio and the range of the rounds.
 * </ul>
 *
 * <p>The keysets are generated and wrapped by the key store's KEK (a master secret) as
 * {@code KeyStore.insert} does, but inserted by JDBC batches (seeding a million one by one takes
 * hours); a table already seeded with the same count is reused. System properties: {@code tenants}
 * (20000; scale mode 1000000), {@code cacheSize} (5000), {@code misses} (2000), {@code rounds} (5),
 * {@code url}, {@code user}, {@code password}.
 */
public final class TenantScaleBenchmark {

  private static final KeyEncryptionKey KEK = KeyEncryptionKeys.fromMasterSecret("tenant-scale-bench-0123456789abcdef");
  private static final String PREFIX = "tenant-";
  private static final FieldSpec<byte[]> FIELD = FieldSpec.builder("Doc", "body", byte[].class).build();

  private TenantScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int tenants = Integer.getInteger("tenants", 20_000);
    int cacheSize = Integer.getInteger("cacheSize", 5_000);
    int misses = Integer.getInteger("misses", 2_000);
    int rounds = Integer.getInteger("rounds", 5);
    String url = System.getProperty("url", "jdbc:postgresql://127.0.0.1:5432/test");
    com.zaxxer.hikari.HikariConfig hc = new com.zaxxer.hikari.HikariConfig();
    hc.setJdbcUrl(url);
    hc.setUsername(System.getProperty("user", "postgres"));
    hc.setPassword(System.getProperty("password", ""));
    hc.setMaximumPoolSize(2);
    com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource(hc);
    VaultTables vt = VaultTables.withPrefix("tscale_fv_");
    System.out.printf(Locale.ROOT, "tenants=%,d cacheSize=%,d misses=%,d rounds=%d cpus=%d maxHeap=%d MiB java=%s url=%s%n",
        tenants, cacheSize, misses, rounds, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), url.replaceAll("\\?.*", ""));
    seed(ds, vt, tenants);

    KeyStore store = KeyStore.create(ds, KEK, vt);
    StoredTenantKeyrings keyrings = StoredTenantKeyrings.of(store, PREFIX, cacheSize);
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), keyrings, Duration.ofMinutes(10), cacheSize);
    FieldEncryptor<byte[]> f = cipher.field(FIELD);
    byte[] value = new byte[64];

    // 1. every tenant once, in random order
    int[] order = permutation(tenants, new Random(1));
    long[] lat = new long[tenants];
    long livePeak = 0;
    long start = System.nanoTime();
    for (int i = 0; i < tenants; i++) {
      long t0 = System.nanoTime();
      f.encrypt(value, "t" + order[i], null);
      lat[i] = System.nanoTime() - t0;
      if (i % 10_000 == 9_999) {
        livePeak = Math.max(livePeak, liveAfterGc());
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    System.gc();
    long liveEnd = usedNow();
    System.out.printf(Locale.ROOT, "all %,d tenants once, random order: %.1f s (%,.0f tenants/s); per operation %s;"
        + " heap live after GC: peak %d MiB, at the end %d MiB; cached: %,d keyrings%n", tenants, secs, tenants / secs,
        percentiles(lat), Math.max(livePeak, liveEnd) >> 20, liveEnd >> 20, keyrings.cachedTenants());

    // 2. misses alone
    Random r = new Random(2);
    long[] miss = new long[misses];
    for (int i = 0; i < misses; i++) {
      String t = "t" + r.nextInt(tenants);
      long t0 = System.nanoTime();
      f.encrypt(value, t, null);
      miss[i] = System.nanoTime() - t0;
    }
    System.out.printf(Locale.ROOT, "%,d random tenants after that (misses unless cached: %,d of %,d cached): %s%n",
        misses, cacheSize, tenants, percentiles(miss));

    // 3. hits vs one keyring
    FieldEncryptor<byte[]> single = FieldCipher.create(Keyring.generate("single")).field(FIELD);
    int hot = Math.min(100, Math.min(tenants, cacheSize));
    String[] hotTenants = new String[hot];
    for (int i = 0; i < hot; i++) {
      hotTenants[i] = "t" + order[i * (tenants / hot)];
      f.encrypt(value, hotTenants[i], null);
    }
    double[] ratios = new double[rounds];
    double[] hitNs = new double[rounds];
    double[] singleNs = new double[rounds];
    for (int warm = 0; warm <= rounds; warm++) {
      double h = loop(() -> {
        String t = hotTenants[java.util.concurrent.ThreadLocalRandom.current().nextInt(hot)];
        f.decrypt(f.encrypt(value, t, null), t, null);
      });
      double s = loop(() -> single.decrypt(single.encrypt(value)));
      if (warm > 0) {
        hitNs[warm - 1] = h;
        singleNs[warm - 1] = s;
        ratios[warm - 1] = h / s;
      }
    }
    Arrays.sort(ratios);
    System.out.printf(Locale.ROOT, "hit (encrypt+decrypt 64 B, %d cached tenants in random order) vs one keyring:"
        + " %.0f ns vs %.0f ns, ratio median %.2fx (rounds %.2fx-%.2fx)%n", hot, median(hitNs), median(singleNs),
        median(ratios), ratios[0], ratios[rounds - 1]);
    ds.close();
  }

  private interface Op {
    void run() throws Exception;
  }

  /** ns per operation over about 200 ms. */
  private static double loop(Op op) throws Exception {
    long end = System.nanoTime() + 200_000_000L;
    long n = 0;
    long start = System.nanoTime();
    long now;
    do {
      op.run();
      n++;
      now = System.nanoTime();
    } while (now < end);
    return (now - start) / (double) n;
  }

  private static void seed(DataSource ds, VaultTables vt, int tenants) throws Exception {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + vt.keyset())) {
        rs.next();
        if (rs.getLong(1) == tenants) {
          System.out.printf(Locale.ROOT, "reusing %s (%,d keysets)%n", vt.keyset(), tenants);
          return;
        }
      } catch (java.sql.SQLException e) {
        // not there yet
      }
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      st.execute("DROP TABLE IF EXISTS " + vt.keyset());
      st.execute("DROP TABLE IF EXISTS " + vt.rotationRange());
      st.execute("DROP TABLE IF EXISTS " + vt.rotation());
    }
    vt.install(ds);
    long start = System.nanoTime();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + vt.keyset()
        + " (name, purpose, kek_id, version, status, document, updated_at) VALUES (?, ?, ?, 1, 'ACTIVE', ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < tenants; i++) {
        VaultKeyset k = VaultKeyset.generate(PREFIX + "t" + i + "-aead", KeyPurpose.AEAD);
        ps.setString(1, k.name());
        ps.setString(2, k.purpose().name());
        ps.setString(3, KEK.id());
        ps.setString(4, k.toEncryptedJson(KEK));
        ps.setLong(5, System.currentTimeMillis());
        ps.addBatch();
        if (i % 1000 == 999) {
          ps.executeBatch();
          c.commit();
        }
      }
      ps.executeBatch();
      c.commit();
    }
    System.out.printf(Locale.ROOT, "seeded %,d tenant keysets in %.1f s%n", tenants, (System.nanoTime() - start) / 1e9);
  }

  private static int[] permutation(int n, Random r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static String percentiles(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms", s[s.length / 2] / 1e6,
        s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1e6, s[s.length - 1] / 1e6);
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static long usedNow() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** The heap in use right after the last collection of each pool, summed. */
  private static long liveAfterGc() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
        sum += pool.getCollectionUsage().getUsed();
      }
    }
    return sum;
  }
}
