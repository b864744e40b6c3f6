package dev.fieldvault.benchmarks.cipher;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * Per-tenant keys: encrypt+decrypt of a 64-byte value for 100 tenants in random order, each with its
 * own key, against the same work under one key. The JDK caches one expanded AES key per Cipher, and
 * Tink shares one Cipher per thread across keys, so raw Tink pays a key expansion on every switch;
 * FieldVault keeps a Cipher per key per thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TenantKeySwitchBenchmark {

  static final int TENANTS = 100;

  private final byte[] value = new byte[64];
  private final int[] order = new int[4096];
  private int next;
  private EncryptionContext[] contexts;
  private FieldCipher singleKey;
  private FieldCipher perTenant;
  private Aead tinkSingle;
  private Aead[] tinkPerTenant;
  private byte[] ad;

  @Setup
  public void setUp() throws Exception {
    AeadConfig.register();
    Random rnd = new Random(1);
    for (int i = 0; i < order.length; i++) {
      order[i] = rnd.nextInt(TENANTS);
    }
    contexts = new EncryptionContext[TENANTS];
    Map<String, Keyring> keyrings = new HashMap<>();
    tinkPerTenant = new Aead[TENANTS];
    for (int i = 0; i < TENANTS; i++) {
      contexts[i] = EncryptionContext.of("Customer", "email", "tenant-" + i, null);
      keyrings.put("tenant-" + i, Keyring.of(
          dev.fieldvault.keys.VaultKeyset.generate("t" + i, dev.fieldvault.keys.KeyPurpose.AEAD), null, null));
      tinkPerTenant[i] = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    }
    Keyring shared = Keyring.generate("shared");
    singleKey = FieldCipher.create(shared);
    perTenant = FieldCipher.create(shared, t -> Optional.ofNullable(keyrings.get(t)));
    tinkSingle = tinkPerTenant[0];
    ad = new byte[40];
  }

  private int tenant() {
    return order[next++ & (order.length - 1)];
  }

  @Benchmark
  public byte[] fieldVault_singleKey() {
    EncryptionContext c = contexts[tenant()];
    return singleKey.decrypt(singleKey.encrypt(value, c, EncryptionMode.RANDOMIZED), c);
  }

  @Benchmark
  public byte[] fieldVault_perTenantKeys() {
    EncryptionContext c = contexts[tenant()];
    return perTenant.decrypt(perTenant.encrypt(value, c, EncryptionMode.RANDOMIZED), c);
  }

  @Benchmark
  public byte[] rawTink_singleKey() throws Exception {
    tenant();
    return tinkSingle.decrypt(tinkSingle.encrypt(value, ad), ad);
  }

  @Benchmark
  public byte[] rawTink_perTenantKeys() throws Exception {
    Aead a = tinkPerTenant[tenant()];
    return a.decrypt(a.encrypt(value, ad), ad);
  }
}
