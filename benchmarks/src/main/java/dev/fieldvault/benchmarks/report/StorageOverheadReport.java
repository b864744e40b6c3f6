package dev.fieldvault.benchmarks.report;

import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.ValueCodecs;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Storage: bytes stored per value, plaintext vs FieldVault ciphertext (binary and base64 text), per type
 * and size, randomized and deterministic. Prints a Markdown table. Not a timing: exact and repeatable.
 */
public final class StorageOverheadReport {

  public static void main(String[] args) {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("storage"));
    Map<String, Object[]> samples = new LinkedHashMap<>();
    samples.put("String 16 B", new Object[] {String.class, "a".repeat(16)});
    samples.put("String 64 B", new Object[] {String.class, "a".repeat(64)});
    samples.put("String 256 B", new Object[] {String.class, "a".repeat(256)});
    samples.put("String 4 KiB", new Object[] {String.class, "a".repeat(4096)});
    samples.put("long", new Object[] {Long.class, 42L});
    samples.put("BigDecimal 12345.67", new Object[] {BigDecimal.class, new BigDecimal("12345.67")});
    samples.put("LocalDate", new Object[] {LocalDate.class, LocalDate.of(2026, 11, 23)});
    samples.put("Instant", new Object[] {Instant.class, Instant.parse("2026-11-23T12:00:00Z")});
    samples.put("UUID", new Object[] {UUID.class, UUID.randomUUID()});
    System.out.println("| value | plaintext bytes | randomized binary | randomized text | deterministic binary | overhead (randomized binary) |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, Object[]> e : samples.entrySet()) {
      row(cipher, e.getKey(), (Class<?>) e.getValue()[0], e.getValue()[1]);
    }
    FieldEncryptor<String> compressed = cipher.field(FieldSpec.builder("S", "c", String.class).compressAbove(256).build());
    String prose = "The quick brown fox jumps over the lazy dog. ".repeat(91);
    int c = compressed.encrypt(prose).length;
    System.out.printf("| prose 4 KiB, compressAbove(256) | %d | %d | %d | - | %d |%n",
        prose.length(), c, base64(c), c - prose.length());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void row(FieldCipher cipher, String label, Class type, Object value) {
    FieldEncryptor rnd = cipher.field(FieldSpec.builder("S", "r", type).build());
    FieldEncryptor det = cipher.field(FieldSpec.builder("S", "d", type).mode(EncryptionMode.DETERMINISTIC).build());
    int plain = ValueCodecs.forType(type).encode(value).length;
    int r = rnd.encrypt(value).length;
    int d = det.encrypt(value).length;
    System.out.printf("| %s | %d | %d | %d | %d | +%d |%n", label, plain, r, base64(r), d, r - plain);
  }

  private static int base64(int n) {
    return 4 * ((n + 2) / 3);
  }

  private StorageOverheadReport() {}
}
