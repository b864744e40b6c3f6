package dev.fieldvault.benchmarks.cipher;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import java.util.concurrent.TimeUnit;
import org.jasypt.util.text.AES256TextEncryptor;
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

/** A 64-character string encrypted and decrypted (text form): jasypt's AES-256 text encryptor vs FieldVault. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class JasyptBenchmark {

  private final String value = "y".repeat(64);
  private AES256TextEncryptor jasypt;
  private FieldEncryptor<String> field;

  @Setup
  public void setUp() {
    jasypt = new AES256TextEncryptor();
    jasypt.setPassword("a-password-jasypt-users-configure-1234");
    field = FieldCipher.create(Keyring.generate("bench")).field(FieldSpec.builder("Customer", "email", String.class).build());
  }

  @Benchmark
  public String jasypt_encryptDecrypt() {
    return jasypt.decrypt(jasypt.encrypt(value));
  }

  @Benchmark
  public String fieldVault_encryptDecryptText() {
    return field.decryptText(field.encryptToText(value, null, null), null, null);
  }
}
