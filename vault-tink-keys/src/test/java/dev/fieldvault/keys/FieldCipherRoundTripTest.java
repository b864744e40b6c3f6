package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class FieldCipherRoundTripTest {

  enum Plan { FREE, PRO, ENTERPRISE }

  static final FieldCipher CIPHER = FieldCipher.create(Keyring.generate("roundtrip"));

  /** One or more sample values per supported type, including edge cases. */
  static Stream<Arguments> samples() {
    List<Arguments> a = new ArrayList<>();
    add(a, String.class, "alice@example.com", "", "ünïcødé ✓ 𝄞", "x".repeat(5000));
    add(a, byte[].class, new byte[] {0, 1, 2, (byte) 0xFF}, new byte[0]);
    add(a, Boolean.class, true, false);
    add(a, Byte.class, (byte) 0, Byte.MIN_VALUE, Byte.MAX_VALUE);
    add(a, Short.class, (short) -1, Short.MIN_VALUE, Short.MAX_VALUE);
    add(a, Integer.class, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    add(a, Long.class, 42L, Long.MIN_VALUE, Long.MAX_VALUE);
    add(a, Float.class, 1.5f, Float.NaN, Float.NEGATIVE_INFINITY, -0.0f);
    add(a, Double.class, Math.PI, Double.NaN, Double.MAX_VALUE, -0.0d);
    add(a, BigInteger.class, BigInteger.ZERO, new BigInteger("-123456789012345678901234567890"));
    add(a, BigDecimal.class, new BigDecimal("1234.5600"), new BigDecimal("-1E+30"), BigDecimal.ZERO);
    add(a, LocalDate.class, LocalDate.of(1970, 1, 1), LocalDate.MIN, LocalDate.MAX);
    add(a, LocalTime.class, LocalTime.MIDNIGHT, LocalTime.MAX, LocalTime.of(13, 37, 1, 999));
    add(a, LocalDateTime.class, LocalDateTime.of(2026, 11, 23, 16, 5, 7, 123456789), LocalDateTime.MIN);
    add(a, Instant.class, Instant.EPOCH, Instant.parse("2026-11-23T16:05:07.123456789Z"), Instant.MIN);
    add(a, OffsetDateTime.class, OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHoursMinutes(-5, -30)),
        OffsetDateTime.MAX);
    add(a, UUID.class, UUID.randomUUID(), new UUID(0, 0));
    add(a, Plan.class, Plan.FREE, Plan.ENTERPRISE);
    return a.stream();
  }

  @SafeVarargs
  private static <T> void add(List<Arguments> a, Class<T> type, T... values) {
    for (T v : values) {
      for (EncryptionMode mode : EncryptionMode.values()) {
        a.add(Arguments.of(type, v, mode));
      }
    }
  }

  @ParameterizedTest(name = "{0} {2} binary")
  @MethodSource("samples")
  <T> void everyType_roundTripsInBinaryForm(Class<T> type, T value, EncryptionMode mode) {
    FieldEncryptor<T> f = CIPHER.field(FieldSpec.builder("Customer", "attr", type).mode(mode).build());
    byte[] ct = f.encrypt(value);
    assertThat(CiphertextHeader.parse(ct).mode()).isEqualTo(mode);
    assertEqual(f.decrypt(ct), value);
    assertNoPlaintextInside(ct, ValueCodecs.forType(type).encode(value));
  }

  @ParameterizedTest(name = "{0} {2} text")
  @MethodSource("samples")
  <T> void everyType_roundTripsInTextForm(Class<T> type, T value, EncryptionMode mode) {
    FieldEncryptor<T> f = CIPHER.field(FieldSpec.builder("Customer", "attr", type).mode(mode).build());
    String text = f.encryptToText(value, "tenant-a", null);
    assertThat(text).matches("[A-Za-z0-9+/]+=*");
    assertEqual(f.decryptText(text, "tenant-a", null), value);
  }

  @ParameterizedTest
  @EnumSource(EncryptionMode.class)
  void null_encryptsToNull_andDecryptsToNull(EncryptionMode mode) {
    FieldEncryptor<String> f = CIPHER.field(FieldSpec.builder("Customer", "name", String.class).mode(mode).build());
    assertThat(f.encrypt(null)).isNull();
    assertThat(f.decrypt(null)).isNull();
    assertThat(f.encryptToText(null, null, null)).isNull();
    assertThat(f.decryptText(null, null, null)).isNull();
  }

  @Test
  void stringField_decodesAGenuineReplacementCharacter_andRefusesMalformedUtf8() {
    FieldEncryptor<String> text = CIPHER.field(FieldSpec.builder("Doc", "note", String.class).build());
    FieldEncryptor<byte[]> bytes = CIPHER.field(FieldSpec.builder("Doc", "note", byte[].class).build());
    assertThat(text.decrypt(text.encrypt("a\uFFFDb ü"))).isEqualTo("a\uFFFDb ü");
    // the same context written as bytes that are not UTF-8 (a field whose type changed from byte[])
    for (byte[] malformed : new byte[][] {{(byte) 0xC3}, {'a', (byte) 0xFF, 'b'}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
      byte[] ct = bytes.encrypt(malformed);
      assertThatThrownBy(() -> text.decrypt(ct)).isInstanceOf(ValueCodecException.class)
          .hasMessageContaining("not valid UTF-8");
    }
  }

  @Test
  void randomized_sameValueTwice_givesDifferentCiphertexts() {
    FieldEncryptor<String> f = CIPHER.field(FieldSpec.builder("Customer", "name", String.class).build());
    assertThat(f.encrypt("same")).isNotEqualTo(f.encrypt("same"));
  }

  @Test
  void compression_appliesAboveThreshold_andRoundTrips() {
    FieldEncryptor<String> f = CIPHER.field(FieldSpec.builder("Doc", "body", String.class).compressAbove(256).build());
    String big = "lorem ipsum dolor sit amet ".repeat(200);
    byte[] ct = f.encrypt(big);
    assertThat(CiphertextHeader.parse(ct).compressed()).isTrue();
    assertThat(ct.length).isLessThan(big.length() / 4);
    assertThat(f.decrypt(ct)).isEqualTo(big);

    byte[] small = f.encrypt("short");
    assertThat(CiphertextHeader.parse(small).compressed()).isFalse();
    assertThat(f.decrypt(small)).isEqualTo("short");
  }

  @Test
  void compression_isSkipped_whenItWouldNotHelp() {
    FieldEncryptor<byte[]> f = CIPHER.field(FieldSpec.builder("Doc", "blob", byte[].class).compressAbove(0).build());
    byte[] random = new byte[1000];
    new java.security.SecureRandom().nextBytes(random);
    byte[] ct = f.encrypt(random);
    assertThat(CiphertextHeader.parse(ct).compressed()).isFalse();
    assertThat(f.decrypt(ct)).isEqualTo(random);
  }

  @Test
  void deterministicCompressed_isStillDeterministic() {
    FieldEncryptor<String> f = CIPHER.field(FieldSpec.builder("Doc", "tag", String.class)
        .mode(EncryptionMode.DETERMINISTIC).compressAbove(10).build());
    String v = "abcabcabcabcabcabcabcabcabcabcabc";
    assertThat(f.encrypt(v)).isEqualTo(f.encrypt(v));
    assertThat(CiphertextHeader.parse(f.encrypt(v)).compressed()).isTrue();
    assertThat(f.decrypt(f.encrypt(v))).isEqualTo(v);
  }

  @ParameterizedTest
  @EnumSource(value = KeyAlgorithm.class, names = {"AES256_GCM", "XCHACHA20_POLY1305"})
  void everySelectableAeadAlgorithm_roundTrips(KeyAlgorithm algorithm) {
    Keyring ring = Keyring.of(VaultKeyset.generate("alg", algorithm), null, null);
    FieldCipher c = FieldCipher.create(ring);
    EncryptionContext ctx = EncryptionContext.of("T", "c");
    byte[] ct = c.encrypt("hello".getBytes(StandardCharsets.UTF_8), ctx, EncryptionMode.RANDOMIZED);
    assertThat(new String(c.decrypt(ct, ctx), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(CiphertextHeader.parse(ct).keyId()).isEqualTo(ring.aead().orElseThrow().primary().keyId());
  }

  @Test
  void randomizedOverhead_isAtMost40Bytes_andExactly34ForAesGcm() {
    EncryptionContext ctx = EncryptionContext.of("T", "c");
    for (int len : new int[] {0, 1, 16, 64, 256, 4096}) {
      byte[] ct = CIPHER.encrypt(new byte[len], ctx, EncryptionMode.RANDOMIZED);
      assertThat(ct.length - len).isEqualTo(34);
    }
    for (int len : new int[] {0, 16, 64}) {
      byte[] ct = CIPHER.encrypt(new byte[len], ctx, EncryptionMode.DETERMINISTIC);
      assertThat(ct.length - len).isEqualTo(22);
    }
  }

  @Test
  void unsupportedType_failsWhenTheSpecIsBuilt_listingSupportedTypes() {
    assertThatThrownBy(() -> FieldSpec.builder("Customer", "address", java.util.Map.class))
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("java.util.Map")
        .hasMessageContaining("LocalDate");
  }

  @Test
  void deterministicAndRowBound_isRejectedAtBuild() {
    assertThatThrownBy(() -> FieldSpec.builder("Customer", "email", String.class)
        .mode(EncryptionMode.DETERMINISTIC).rowBound(true).build())
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("Customer.email")
        .hasMessageContaining("row-bound");
  }

  @Test
  void rowBoundField_withoutRowId_isRefused() {
    FieldEncryptor<String> f = CIPHER.field(FieldSpec.builder("Customer", "ssn", String.class).rowBound(true).build());
    assertThatThrownBy(() -> f.encrypt("123-45-6789"))
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("row id")
        .hasMessageNotContaining("123-45-6789");
  }

  @Test
  void fieldNeedingAMissingKeyset_failsWhenTheEncryptorIsCreated() {
    FieldCipher aeadOnly = FieldCipher.create(Keyring.of(VaultKeyset.generate("a", KeyPurpose.AEAD), null, null));
    assertThatThrownBy(() -> aeadOnly.field(FieldSpec.builder("User", "email", String.class)
        .mode(EncryptionMode.DETERMINISTIC).build()))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("User.email");
    assertThatThrownBy(() -> aeadOnly.field(FieldSpec.builder("User", "phone", String.class).blindIndex().build()))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("PRF");
  }

  static void assertEqual(Object actual, Object expected) {
    if (expected instanceof byte[]) {
      assertThat((byte[]) actual).isEqualTo((byte[]) expected);
    } else if (expected instanceof BigDecimal) {
      // scale is preserved exactly
      assertThat(actual).isEqualTo(expected);
      assertThat(((BigDecimal) actual).scale()).isEqualTo(((BigDecimal) expected).scale());
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  static void assertNoPlaintextInside(byte[] ct, byte[] plain) {
    if (plain.length >= 4) {
      for (int i = 0; i + plain.length <= ct.length; i++) {
        assertThat(Arrays.equals(ct, i, i + plain.length, plain, 0, plain.length))
            .as("plaintext bytes found inside ciphertext at offset %d", i).isFalse();
      }
    }
  }
}
