package dev.fieldvault.benchmarks.kms;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.kms.aws.AwsKmsClient;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import dev.fieldvault.benchmarks.DriverManagerDataSource;
import javax.sql.DataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * KEK rotation of the database key store between two AWS KMS keys over {@code keysets} stored keysets
 * (10,000), against a local KMS API server (moto) that the benchmark starts itself, with a data table
 * beside it whose rows must come out byte for byte unchanged. Two modes:
 * <ul>
 *   <li>{@code direct}: each keyset wrapped by the KMS key; {@code KeyStore.rotateKek} costs a Decrypt
 *       and an Encrypt call per keyset;
 *   <li>{@code hierarchical}: keysets wrapped by a branch key, the branch key by the KMS key;
 *       {@code KeyStore.rotateBranchKeyKek} rewraps the branch key only (two KMS calls, no keyset
 *       touched); {@code KeyStore.rotateBranchKey} (a new branch key, every keyset rewrapped locally) is
 *       measured too.
 * </ul>
 *
 * <p>System properties: {@code mode} ({@code both}, {@code direct} or {@code hierarchical}),
 * {@code keysets} (10000), {@code rows} (1000), {@code url}/{@code user}/{@code
 * password} (default: a private in-memory H2 database). The moto executable: {@code
 * FIELDVAULT_TEST_MOTO_SERVER}, else {@code moto_server} on the PATH, else {@code python3 -m
 * moto.server}; without one the benchmark is skipped with a message, except under {@code CI=true}.
 */
public final class KmsKekRotationBenchmark {

  private static final EncryptionContext CTX = EncryptionContext.of("customer", "email");

  private KmsKekRotationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int keysets = Integer.getInteger("keysets", 10_000);
    int rows = Integer.getInteger("rows", 1_000);
    String url = System.getProperty("url", "jdbc:h2:mem:kmsbench;DB_CLOSE_DELAY=-1");
    PrintWriter out = new PrintWriter(System.out, true);
    Process moto = startMoto(out);
    if (moto == null) {
      return;
    }
    try {
      run(out, keysets, rows, url, URI.create("http://127.0.0.1:" + motoPort));
    } finally {
      moto.descendants().forEach(ProcessHandle::destroy);
      moto.destroy();
      moto.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void run(PrintWriter out, int keysets, int rows, String url, URI endpoint) throws Exception {
    StaticCredentialsProvider creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
    String a;
    String b;
    try (KmsClient admin = KmsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(creds).httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
      a = "aws-kms://" + admin.createKey(r -> r.keyUsage("ENCRYPT_DECRYPT")).keyMetadata().arn();
      b = "aws-kms://" + admin.createKey(r -> r.keyUsage("ENCRYPT_DECRYPT")).keyMetadata().arn();
    }
    DataSource ds = DriverManagerDataSource.of(url, System.getProperty("user", "sa"), System.getProperty("password", ""));
    String mode = System.getProperty("mode", "both");
    if (!List.of("both", "direct", "hierarchical").contains(mode)) {
      throw new IllegalArgumentException("-Dmode must be both, direct or hierarchical, not " + mode);
    }
    VaultTables tables = VaultTables.withPrefix("kms_bench_fv_");
    try (AwsKmsClient kms = AwsKmsClient.builder().endpointOverride(endpoint).region("us-east-1")
        .credentialsProvider(creds).build()) {
      KeyEncryptionKey kekA = kms.keyEncryptionKey(a);
      KeyEncryptionKey kekB = kms.keyEncryptionKey(b);
      out.printf(Locale.ROOT, "## KEK rotation between two AWS KMS keys (moto on loopback, %d cores)%n",
          Runtime.getRuntime().availableProcessors());
      if (!mode.equals("direct")) {
        hierarchical(out, ds, tables, kekA, kekB, keysets, rows);
      }
      if (!mode.equals("hierarchical")) {
        direct(out, ds, tables, kekA, kekB, keysets, rows);
      }
    }
  }

  /** One KMS call per keyset and direction: rotateKek(A -> B). */
  private static void direct(PrintWriter out, DataSource ds, VaultTables tables, KeyEncryptionKey kekA,
      KeyEncryptionKey kekB, int keysets, int rows) throws Exception {
    drop(ds, tables);
    tables.install(ds);
    KeyStore store = KeyStore.create(ds, kekA, tables);

    long t0 = System.nanoTime();
    insertKeysets(store, keysets);
    double setup = (System.nanoTime() - t0) / 1e9;
    FieldCipher cipher = FieldCipher.create(Keyring.of(store.load("bench-00000").keyset(), null, null));
    writeRows(ds, cipher, rows);
    String before = digest(ds);

    long t1 = System.nanoTime();
    int changed = store.rotateKek(kekB);
    double seconds = (System.nanoTime() - t1) / 1e9;

    String after = digest(ds);
    if (changed != keysets || !before.equals(after) || !allUnder(ds, tables, kekB.id())) {
      throw new IllegalStateException("KEK rotation went wrong: changed=" + changed + " of " + keysets
          + ", data rows unchanged=" + before.equals(after));
    }
    FieldCipher underB = FieldCipher.create(Keyring.of(store.withKek(kekB).load("bench-00000").keyset(), null, null));
    underB.decrypt(firstValue(ds), CTX);
    out.printf(Locale.ROOT, "direct:       keysets=%d  setup (insert under key A)=%.1f s  rotateKek(A -> B)=%.2f s"
        + "  (%.0f keysets/s, %d KMS calls)  data rows unchanged: %d of %d%n",
        keysets, setup, seconds, keysets / seconds, 2 * keysets, rows, rows);
    drop(ds, tables);
  }

  /** Keysets under a branch key: rotateBranchKeyKek(A -> B), then rotateBranchKey(). */
  private static void hierarchical(PrintWriter out, DataSource ds, VaultTables tables, KeyEncryptionKey kekA,
      KeyEncryptionKey kekB, int keysets, int rows) throws Exception {
    drop(ds, tables);
    tables.install(ds);
    KeyStore store = KeyStore.create(ds, kekA, tables).moveToBranchKey("bench-branch", kekA);

    long t0 = System.nanoTime();
    insertKeysets(store, keysets);
    double setup = (System.nanoTime() - t0) / 1e9;
    FieldCipher cipher = FieldCipher.create(Keyring.of(store.load("bench-00000").keyset(), null, null));
    writeRows(ds, cipher, rows);
    String before = digest(ds);
    String keysetsBefore = keysetDigest(ds, tables);

    long t1 = System.nanoTime();
    KeyStore underB = store.rotateBranchKeyKek(kekB);
    double kmsRotation = (System.nanoTime() - t1) / 1e9;

    if (!before.equals(digest(ds)) || !keysetsBefore.equals(keysetDigest(ds, tables))) {
      throw new IllegalStateException("KMS key rotation of the branch key touched a keyset or a data row");
    }
    KeyStore reopened = KeyStore.hierarchical(ds, tables, "bench-branch", kekB);
    FieldCipher.create(Keyring.of(reopened.load("bench-00000").keyset(), null, null)).decrypt(firstValue(ds), CTX);

    long t2 = System.nanoTime();
    int changed = underB.rotateBranchKey();
    double branchRotation = (System.nanoTime() - t2) / 1e9;

    String branchId = underB.kek().id();
    if (changed != keysets || !before.equals(digest(ds)) || !allUnder(ds, tables, branchId)) {
      throw new IllegalStateException("branch key rotation went wrong: changed=" + changed + " of " + keysets);
    }
    KeyStore again = KeyStore.hierarchical(ds, tables, "bench-branch", kekB);
    FieldCipher.create(Keyring.of(again.load("bench-00000").keyset(), null, null)).decrypt(firstValue(ds), CTX);
    out.printf(Locale.ROOT, "hierarchical: keysets=%d  setup (insert under the branch key)=%.1f s"
        + "  rotateBranchKeyKek(A -> B)=%.3f s (2 KMS calls, 0 keysets touched)"
        + "  rotateBranchKey()=%.2f s (%.0f keysets/s, 1 KMS call)  data rows unchanged: %d of %d%n",
        keysets, setup, kmsRotation, branchRotation, keysets / branchRotation, rows, rows);
    drop(ds, tables);
  }

  private static void insertKeysets(KeyStore store, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = String.format(Locale.ROOT, "bench-%05d", i);
        fs.add(pool.submit(() -> store.insert(VaultKeyset.generate(name, KeyPurpose.AEAD))));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void writeRows(DataSource ds, FieldCipher cipher, int rows) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS kms_bench_data");
      boolean pg = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
      s.execute("CREATE TABLE kms_bench_data (id INT PRIMARY KEY, c " + (pg ? "BYTEA" : "VARBINARY(200)") + ")");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_bench_data (id, c) VALUES (?, ?)")) {
        for (int i = 0; i < rows; i++) {
          ps.setInt(1, i);
          ps.setBytes(2, cipher.encrypt(("user" + i + "@example.com").getBytes(), CTX, EncryptionMode.RANDOMIZED));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  private static String digest(DataSource ds) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, c FROM kms_bench_data ORDER BY id")) {
      while (rs.next()) {
        md.update(Integer.toString(rs.getInt(1)).getBytes());
        md.update(rs.getBytes(2));
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** SHA-256 over the data keysets' rows (name, kek_id, version, document), the branch key's row left out. */
  private static String keysetDigest(DataSource ds, VaultTables tables) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, kek_id, version, document FROM " + tables.keyset()
            + " WHERE purpose <> '" + KeyStore.BRANCH_KEY_PURPOSE + "' ORDER BY name")) {
      while (rs.next()) {
        for (int i = 1; i <= 4; i++) {
          md.update(rs.getString(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          md.update((byte) 0);
        }
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static byte[] firstValue(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT c FROM kms_bench_data WHERE id = 0")) {
      rs.next();
      return rs.getBytes(1);
    }
  }

  private static boolean allUnder(DataSource ds, VaultTables tables, String kekId) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM " + tables.keyset() + " WHERE kek_id <> ? AND purpose <> '"
            + KeyStore.BRANCH_KEY_PURPOSE + "'")) {
      ps.setString(1, kekId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) == 0;
      }
    }
  }

  private static void drop(DataSource ds, VaultTables tables) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS kms_bench_data");
      s.execute("DROP TABLE IF EXISTS " + tables.rotationRange());
      s.execute("DROP TABLE IF EXISTS " + tables.rotation());
      s.execute("DROP TABLE IF EXISTS " + tables.keyset());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // moto: started and stopped here, as the tests do (vault-test-support is not on this classpath)

  private static int motoPort;

  private static Process startMoto(PrintWriter out) throws Exception {
    List<List<String>> candidates = new ArrayList<>();
    String env = System.getenv("FIELDVAULT_TEST_MOTO_SERVER");
    if (env != null && !env.isBlank()) {
      candidates.add(List.of(env.trim().split("\\s+")));
    } else {
      if (onPath("moto_server")) {
        candidates.add(List.of("moto_server"));
      }
      candidates.add(List.of("python3", "-m", "moto.server"));
    }
    List<String> failures = new ArrayList<>();
    for (List<String> cmd : candidates) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        motoPort = s.getLocalPort();
      }
      List<String> full = new ArrayList<>(cmd);
      full.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(motoPort)));
      Path log = Files.createTempFile("moto-bench", ".log");
      Process p;
      try {
        p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      } catch (IOException e) {
        failures.add(String.join(" ", cmd) + ": " + e.getMessage());
        continue;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (p.isAlive() && System.nanoTime() < deadline) {
        try (Socket sock = new Socket()) {
          sock.connect(new InetSocketAddress("127.0.0.1", motoPort), 200);
          return p;
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      p.destroy();
      failures.add(String.join(" ", cmd) + ": did not start (" + Files.readString(log).strip() + ")");
    }
    String message = "KMS KEK rotation benchmark: no moto server (" + String.join("; ", failures)
        + "); install it with pip install 'moto[server]' or set FIELDVAULT_TEST_MOTO_SERVER";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message + " (CI=true: a failure, not a skip)");
    }
    out.println("skipped: " + message);
    return null;
  }

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, exe))) {
        return true;
      }
    }
    return false;
  }
}
