package dev.fieldvault.benchmarks.cipher;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Field cipher: FieldVault vs raw Tink (the floor, same associated data), a hand-written
 * {@code javax.crypto} AES-GCM converter that builds its Cipher per call (what most teams write), all
 * on byte[] values of the same size. jasypt is in {@link JasyptBenchmark} (it is 3-4 orders slower).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class FieldCipherBenchmark {

  @Param({"16", "64", "256", "4096"})
  public int size;

  private byte[] plaintext;
  private String text;
  private EncryptionContext ctx;
  private byte[] ad;
  private FieldCipher cipher;
  private FieldEncryptor<String> stringField;
  private Aead rawAead;
  private DeterministicAead rawDaead;
  private byte[] fvRandomized;
  private byte[] fvDeterministic;
  private byte[] fvString;
  private byte[] rawAeadCt;
  private byte[] rawDaeadCt;
  private SecretKey jceKey;
  private final SecureRandom random = new SecureRandom();
  private byte[] handWrittenCt;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    AeadConfig.register();
    DeterministicAeadConfig.register();
    plaintext = new byte[size];
    random.nextBytes(plaintext);
    text = "x".repeat(size);
    ctx = EncryptionContext.of("Customer", "email");
    // the same associated data FieldVault binds, so the floor does the same cryptographic work
    ad = new byte[1 + 4 + 8 + 4 + 5 + 2];
    random.nextBytes(ad);
    cipher = FieldCipher.create(Keyring.generate("bench"));
    stringField = cipher.field(FieldSpec.builder("Customer", "email", String.class).build());
    rawAead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
        .getPrimitive(RegistryConfiguration.get(), Aead.class);
    rawDaead = KeysetHandle.generateNew(PredefinedDeterministicAeadParameters.AES256_SIV)
        .getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
    fvRandomized = cipher.encrypt(plaintext, ctx, EncryptionMode.RANDOMIZED);
    fvDeterministic = cipher.encrypt(plaintext, ctx, EncryptionMode.DETERMINISTIC);
    fvString = stringField.encrypt(text);
    rawAeadCt = rawAead.encrypt(plaintext, ad);
    rawDaeadCt = rawDaead.encryptDeterministically(plaintext, ad);
    byte[] k = new byte[32];
    random.nextBytes(k);
    jceKey = new SecretKeySpec(k, "AES");
    handWrittenCt = handWrittenEncrypt();
  }

  // --- randomized -------------------------------------------------------------------------------

  @Benchmark
  public byte[] rawTink_encrypt() throws Exception {
    return rawAead.encrypt(plaintext, ad);
  }

  @Benchmark
  public byte[] rawTink_decrypt() throws Exception {
    return rawAead.decrypt(rawAeadCt, ad);
  }

  @Benchmark
  public byte[] fieldVault_encrypt() {
    return cipher.encrypt(plaintext, ctx, EncryptionMode.RANDOMIZED);
  }

  @Benchmark
  public byte[] fieldVault_decrypt() {
    return cipher.decrypt(fvRandomized, ctx);
  }

  @Benchmark
  public byte[] fieldVaultString_encrypt() {
    return stringField.encrypt(text);
  }

  @Benchmark
  public String fieldVaultString_decrypt() {
    return stringField.decrypt(fvString);
  }

  @Benchmark
  public byte[] handWritten_encrypt() throws Exception {
    return handWrittenEncrypt();
  }

  @Benchmark
  public byte[] handWritten_decrypt() throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, jceKey, new GCMParameterSpec(128, handWrittenCt, 0, 12));
    return c.doFinal(handWrittenCt, 12, handWrittenCt.length - 12);
  }

  // --- deterministic ----------------------------------------------------------------------------

  @Benchmark
  public byte[] rawTinkDeterministic_encrypt() throws Exception {
    return rawDaead.encryptDeterministically(plaintext, ad);
  }

  @Benchmark
  public byte[] rawTinkDeterministic_decrypt() throws Exception {
    return rawDaead.decryptDeterministically(rawDaeadCt, ad);
  }

  @Benchmark
  public byte[] fieldVaultDeterministic_encrypt() {
    return cipher.encrypt(plaintext, ctx, EncryptionMode.DETERMINISTIC);
  }

  @Benchmark
  public byte[] fieldVaultDeterministic_decrypt() {
    return cipher.decrypt(fvDeterministic, ctx);
  }

  /** What a typical hand-written AttributeConverter does: a Cipher per call, a random IV, iv || ct. */
  private byte[] handWrittenEncrypt() throws Exception {
    byte[] iv = new byte[12];
    random.nextBytes(iv);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, jceKey, new GCMParameterSpec(128, iv));
    byte[] ct = c.doFinal(plaintext);
    byte[] out = new byte[12 + ct.length];
    System.arraycopy(iv, 0, out, 0, 12);
    System.arraycopy(ct, 0, out, 12, ct.length);
    return out;
  }
}
