package dev.fieldvault.benchmarks.cipher;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cache hit of per-tenant keyrings (issue #15: within 1.1x of one keyring), as
 * {@code TenantScaleBenchmark} measures it but without a database, so that its parts can be told apart:
 * encrypt + decrypt of 64 bytes through a {@link FieldEncryptor} for 100 cached tenants in random
 * order, each with its own keyring, the cipher refreshing tenants every 10 minutes
 * ({@code fieldVault_tenantHit}), against one keyring without tenants ({@code fieldVault_singleKey});
 * the same tenant path for one tenant only ({@code fieldVault_tenantHitOneTenant}: FieldVault's
 * per-tenant work without 100 keys), and without a refresh interval ({@code fieldVault_tenantHitNoRefresh}:
 * the clock read that enforces the interval); and, without FieldVault, one vs 100 AES-GCM keys through a JDK
 * {@link Cipher} per key ({@code jdkCipher_*}: what 100 keys cost by themselves, with associated data
 * as long as a tenant's) and through raw Tink ({@code rawTink_*}, one {@code Cipher} per thread for all
 * keys). Run with {@code -prof gc} for the allocation; on a shared machine {@link TenantHitRounds}
 * pairs the same operations in CPU time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TenantHitBenchmark {

  static final int TENANTS = 100;
  private static final FieldSpec<byte[]> FIELD = FieldSpec.builder("Doc", "body", byte[].class).build();

  private final byte[] value = new byte[64];
  private final int[] order = new int[4096];
  private int next;
  private String[] tenants;
  private FieldEncryptor<byte[]> single;
  private FieldEncryptor<byte[]> perTenant;
  private FieldEncryptor<byte[]> perTenantNoRefresh;
  private Cipher[] jdk;
  private SecretKeySpec[] keys;
  private Aead[] tink;
  private byte[] ad;
  private final SecureRandom random = new SecureRandom();

  @Setup
  public void setUp() throws Exception {
    AeadConfig.register();
    Random rnd = new Random(1);
    for (int i = 0; i < order.length; i++) {
      order[i] = rnd.nextInt(TENANTS);
    }
    tenants = new String[TENANTS];
    Map<String, Keyring> keyrings = new HashMap<>();
    jdk = new Cipher[TENANTS];
    keys = new SecretKeySpec[TENANTS];
    tink = new Aead[TENANTS];
    for (int i = 0; i < TENANTS; i++) {
      tenants[i] = "t" + (i * 10_000 + 17);
      keyrings.put(tenants[i], Keyring.of(VaultKeyset.generate("tenant-" + tenants[i] + "-aead", KeyPurpose.AEAD),
          null, null));
      byte[] k = new byte[32];
      random.nextBytes(k);
      keys[i] = new SecretKeySpec(k, "AES");
      jdk[i] = Cipher.getInstance("AES/GCM/NoPadding");
      tink[i] = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    }
    single = FieldCipher.create(Keyring.generate("single")).field(FIELD);
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), t -> Optional.ofNullable(keyrings.get(t)),
        Duration.ofMinutes(10), 10_000);
    perTenant = cipher.field(FIELD);
    perTenantNoRefresh = FieldCipher.create(Keyring.generate("default"), t -> Optional.ofNullable(keyrings.get(t)))
        .field(FIELD);
    for (String t : tenants) {
      perTenant.encrypt(value, t, null);
      perTenantNoRefresh.encrypt(value, t, null);
    }
    // the associated data of a tenant's value: header, lp("Doc"), lp("body"), 0x01 lp(tenant), 0x00
    ad = new byte[1 + 7 + 8 + 1 + 4 + tenants[0].length() + 1];
  }

  private int tenant() {
    return order[next++ & (order.length - 1)];
  }

  @Benchmark
  public byte[] fieldVault_singleKey() {
    tenant();
    return single.decrypt(single.encrypt(value));
  }

  @Benchmark
  public byte[] fieldVault_tenantHit() {
    String t = tenants[tenant()];
    return perTenant.decrypt(perTenant.encrypt(value, t, null), t, null);
  }

  @Benchmark
  public byte[] fieldVault_tenantHitOneTenant() {
    tenant();
    String t = tenants[0];
    return perTenant.decrypt(perTenant.encrypt(value, t, null), t, null);
  }

  /** As {@link #fieldVault_tenantHit} without a refresh interval (until {@code forgetTenant}): no clock read. */
  @Benchmark
  public byte[] fieldVault_tenantHitNoRefresh() {
    String t = tenants[tenant()];
    return perTenantNoRefresh.decrypt(perTenantNoRefresh.encrypt(value, t, null), t, null);
  }

  @Benchmark
  public byte[] jdkCipher_singleKey() throws Exception {
    tenant();
    return jdkRoundTrip(jdk[0], keys[0]);
  }

  @Benchmark
  public byte[] jdkCipher_100Keys() throws Exception {
    int i = tenant();
    return jdkRoundTrip(jdk[i], keys[i]);
  }

  @Benchmark
  public byte[] rawTink_singleKey() throws Exception {
    tenant();
    return tink[0].decrypt(tink[0].encrypt(value, ad), ad);
  }

  @Benchmark
  public byte[] rawTink_100Keys() throws Exception {
    Aead a = tink[tenant()];
    return a.decrypt(a.encrypt(value, ad), ad);
  }

  /** AES-GCM as a hand-written converter with a Cipher per key would do it: nonce, AD, 16-byte tag. */
  private byte[] jdkRoundTrip(Cipher c, SecretKeySpec key) throws Exception {
    byte[] iv = new byte[12];
    random.nextBytes(iv);
    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
    c.updateAAD(ad);
    byte[] ct = c.doFinal(value);
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
    c.updateAAD(ad);
    return c.doFinal(ct);
  }
}
