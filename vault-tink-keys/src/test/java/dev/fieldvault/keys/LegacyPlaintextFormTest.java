package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rule that tells a legacy plaintext from a ciphertext while a column is migrated
 * ({@link CiphertextHeader#hasCiphertextForm}), the search form of a legacy value
 * ({@link FieldEncryptor#legacySearchForm}) and the column model's declaration.
 */
class LegacyPlaintextFormTest {

  enum Plan { FREE, PRO }

  private static final Keyring KEYRING = Keyring.generate("legacy-form");
  private static final FieldCipher CIPHER = FieldCipher.create(KEYRING);

  @Test
  void everyCiphertext_hasTheForm_andTheShortestAreExactlyTheMinimumLengths() {
    FieldEncryptor<String> random = CIPHER.field(FieldSpec.builder("D", "r", String.class).build());
    FieldEncryptor<String> det = CIPHER.field(FieldSpec.builder("D", "d", String.class)
        .mode(EncryptionMode.DETERMINISTIC).build());
    FieldEncryptor<String> compressed = CIPHER.field(FieldSpec.builder("D", "c", String.class).compressAbove(0).build());
    assertThat(random.encrypt("")).hasSize(CiphertextHeader.MIN_RANDOMIZED_LENGTH);
    assertThat(det.encrypt("")).hasSize(CiphertextHeader.MIN_DETERMINISTIC_LENGTH);
    for (FieldEncryptor<String> f : List.of(random, det, compressed)) {
      for (String v : List.of("", "a", "ann@example.com", "x".repeat(500))) {
        byte[] ct = f.encrypt(v);
        assertThat(CiphertextHeader.hasCiphertextForm(ct)).as(f + " " + v.length()).isTrue();
        assertThat(CiphertextHeader.hasCiphertextFormText(Base64.getEncoder().encodeToString(ct))).isTrue();
      }
    }
  }

  @Test
  void aLegacyValueThatStartsLikeAHeader_butIsShorterThanAnyCiphertextOfItsMode_isPlaintext() {
    // the value of issue 18: valid base64 of 0x10 0x01 (format 1, randomized, Tink prefix), key id 0, 15 bytes
    String legacy = "EAEAAAAAAAAAAAAAAAAA";
    byte[] decoded = Base64.getDecoder().decode(legacy);
    assertThat(CiphertextHeader.looksLikeCiphertext(decoded)).as("it starts like a header").isTrue();
    assertThat(CiphertextHeader.hasCiphertextFormText(legacy)).isFalse();
    assertThat(CiphertextHeader.hasCiphertextForm(legacy.getBytes(StandardCharsets.UTF_8))).isFalse();

    byte[] randomized = header(0x10, CiphertextHeader.MIN_RANDOMIZED_LENGTH);
    assertThat(CiphertextHeader.hasCiphertextForm(Arrays.copyOf(randomized, randomized.length - 1))).isFalse();
    assertThat(CiphertextHeader.hasCiphertextForm(randomized)).as("header and length of a ciphertext").isTrue();
    byte[] deterministic = header(0x11, CiphertextHeader.MIN_DETERMINISTIC_LENGTH);
    assertThat(CiphertextHeader.hasCiphertextForm(Arrays.copyOf(deterministic, deterministic.length - 1))).isFalse();
    assertThat(CiphertextHeader.hasCiphertextForm(deterministic)).isTrue();
  }

  @Test
  void valuesWithoutAHeader_orNotBase64_areNotCiphertexts() {
    for (String text : new String[] {"ann@example.com", "42", "", "Test", "not base64!", "EAE=", "AAAA"}) {
      assertThat(CiphertextHeader.hasCiphertextFormText(text)).as(text).isFalse();
      assertThat(CiphertextHeader.hasCiphertextForm(text.getBytes(StandardCharsets.UTF_8))).as(text).isFalse();
    }
    assertThat(CiphertextHeader.hasCiphertextForm(null)).isFalse();
    assertThat(CiphertextHeader.hasCiphertextFormText(null)).isFalse();
    byte[] reserved = header(0x14, 64); // reserved flag bit set
    assertThat(CiphertextHeader.hasCiphertextForm(reserved)).isFalse();
    byte[] version2 = header(0x20, 64);
    assertThat(CiphertextHeader.hasCiphertextForm(version2)).isFalse();
  }

  @Test
  void legacySearchForm_isTheTextLegacyPlaintextReadsBack_inTheColumnsStorage() {
    List<Object> samples = List.of("Ann@Example.com", " padded ", 42, -7L, new BigDecimal("12.50"),
        true, LocalDate.of(2024, 1, 31), LocalTime.of(10, 15, 30), Instant.ofEpochSecond(1_700_000_000L),
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), Plan.PRO, 3.5d);
    for (Object v : samples) {
      @SuppressWarnings("unchecked")
      Class<Object> type = (Class<Object>) (v instanceof Enum ? ((Enum<?>) v).getDeclaringClass() : v.getClass());
      FieldEncryptor<Object> f = CIPHER.field(FieldSpec.builder("D", "s", type).mode(EncryptionMode.DETERMINISTIC).build());
      Object text = f.legacySearchForm(v, ColumnStorage.TEXT);
      Object bytes = f.legacySearchForm(v, ColumnStorage.BINARY);
      assertThat(text).isInstanceOf(String.class);
      assertThat((byte[]) bytes).isEqualTo(((String) text).getBytes(StandardCharsets.UTF_8));
      assertThat(LegacyPlaintext.parse(type, text)).as(type.getSimpleName()).isEqualTo(v);
      assertThat(LegacyPlaintext.parse(type, bytes)).isEqualTo(v);
    }
    FieldEncryptor<String> s = CIPHER.field(FieldSpec.builder("D", "s", String.class).mode(EncryptionMode.DETERMINISTIC).build());
    assertThat(s.legacySearchForm("Ann@Example.com", ColumnStorage.TEXT)).isEqualTo("Ann@Example.com");
    assertThat(s.legacySearchForm(null, ColumnStorage.TEXT)).isNull();
    assertThat(CIPHER.field(FieldSpec.builder("D", "s", BigDecimal.class).mode(EncryptionMode.DETERMINISTIC).build())
        .legacySearchForm(new BigDecimal("1E+3"), ColumnStorage.TEXT)).as("no exponent").isEqualTo("1000");
    FieldEncryptor<byte[]> b = CIPHER.field(FieldSpec.builder("D", "b", byte[].class).mode(EncryptionMode.DETERMINISTIC).build());
    assertThat((byte[]) b.legacySearchForm(new byte[] {1, 2, (byte) 0xff}, ColumnStorage.BINARY))
        .isEqualTo(new byte[] {1, 2, (byte) 0xff});
    FieldEncryptor<String> randomized = CIPHER.field(FieldSpec.builder("D", "r", String.class).build());
    assertThatThrownBy(() -> randomized.legacySearchForm("x", ColumnStorage.TEXT))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("randomized");
  }

  @Test
  void legacySearchForms_giveEverySpellingAFixedNumberOfTimes_eachReadBackAsTheValue_neverACiphertextForm() {
    FieldEncryptor<Boolean> bool = CIPHER.field(FieldSpec.builder("D", "b", Boolean.class)
        .mode(EncryptionMode.DETERMINISTIC).build());
    assertThat(bool.legacySearchFormCount()).isEqualTo(14);
    List<Object> yes = bool.legacySearchForms(true, null, ColumnStorage.TEXT);
    assertThat(yes).hasSize(14).contains("true", "TRUE", "True", "t", "T", "1", "yes", "YES", "Yes", "y", "Y", "on",
        "ON", "On").doesNotContain("tRuE", " true", "false");
    assertThat(bool.legacySearchForms(false, null, ColumnStorage.BINARY)).hasSize(14)
        .allSatisfy(f -> assertThat(LegacyPlaintext.parse(Boolean.class, f)).isFalse());
    for (Object v : List.of(java.time.LocalDateTime.of(2024, 1, 31, 10, 15, 1, 500_000_000), 1e20, -1e-5,
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), 42, "Ann ")) {
      @SuppressWarnings("unchecked")
      Class<Object> type = (Class<Object>) v.getClass();
      FieldEncryptor<Object> f = CIPHER.field(FieldSpec.builder("D", "s", type).mode(EncryptionMode.DETERMINISTIC).build());
      List<Object> forms = f.legacySearchForms(v, null, ColumnStorage.TEXT);
      assertThat(forms).as(type.getSimpleName()).hasSize(f.legacySearchFormCount())
          .startsWith(f.legacySearchForm(v, ColumnStorage.TEXT));
      for (Object form : forms) {
        assertThat(LegacyPlaintext.parse(type, form)).as(type.getSimpleName() + " " + form).isEqualTo(v);
      }
    }
    FieldEncryptor<Double> dbl = CIPHER.field(FieldSpec.builder("D", "x", Double.class)
        .mode(EncryptionMode.DETERMINISTIC).build());
    assertThat(dbl.legacySearchForms(1e20, null, ColumnStorage.TEXT))
        .containsExactly("1.0E20", "100000000000000000000", "1e+20", "1e20");
    assertThat(dbl.legacySearchForms(null, null, ColumnStorage.TEXT)).hasSize(4).containsOnlyNulls();
    assertThat(CIPHER.field(FieldSpec.builder("D", "d", BigDecimal.class).mode(EncryptionMode.DETERMINISTIC).build())
        .legacySearchForms(new BigDecimal("2.500"), null, ColumnStorage.TEXT)).containsExactly("2.500", "2.5");
    // a form with the form of a ciphertext is the primary key's ciphertext (in storage form) instead
    FieldEncryptor<String> s = CIPHER.field(FieldSpec.builder("D", "s", String.class)
        .mode(EncryptionMode.DETERMINISTIC).build());
    String stored = Base64.getEncoder().encodeToString(s.encrypt("other"));
    assertThat(s.legacySearchForms(stored, null, ColumnStorage.TEXT)).containsExactly(
        Base64.getEncoder().encodeToString(s.searchCiphertexts(stored, null).get(0)));
    FieldEncryptor<String> randomized = CIPHER.field(FieldSpec.builder("D", "r", String.class).build());
    assertThatThrownBy(() -> randomized.legacySearchForms("x", null, ColumnStorage.TEXT))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("randomized");
  }

  @Test
  void instantsAndOffsetDateTimes_areReadWithAnOffsetOrWithoutOne_inUtc_andSearchedInTheFormsThePlansDdlWrites() {
    Instant instant = Instant.parse("2024-01-31T10:15:01.500Z");
    // PostgreSQL's/H2's timestamptz text (the plan's DDL: UTC), any offset, and MariaDB's DATETIME text (UTC)
    for (String text : List.of("2024-01-31T10:15:01.500Z", "2024-01-31 10:15:01.5+00", "2024-01-31 15:45:01.5+05:30",
        "2024-01-31 10:15:01.500000", "2024-01-31T10:15:01.5")) {
      assertThat(LegacyPlaintext.parse(Instant.class, text)).as(text).isEqualTo(instant);
      assertThat(LegacyPlaintext.parse(java.time.OffsetDateTime.class, text.getBytes(StandardCharsets.UTF_8))
          .toInstant()).as(text).isEqualTo(instant);
    }
    assertThat(LegacyPlaintext.parse(java.time.OffsetDateTime.class, "2024-01-31 15:45:01.5+05:30").getOffset())
        .isEqualTo(java.time.ZoneOffset.ofHoursMinutes(5, 30));
    // a UUID's 16 raw bytes are not one of its text forms
    assertThatThrownBy(() -> LegacyPlaintext.parse(UUID.class, new byte[16])).isInstanceOf(ValueCodecException.class);
    FieldEncryptor<Instant> ins = CIPHER.field(FieldSpec.builder("D", "i", Instant.class)
        .mode(EncryptionMode.DETERMINISTIC).build());
    assertThat(ins.legacySearchFormCount()).isEqualTo(6);
    assertThat(ins.legacySearchForms(instant, null, ColumnStorage.TEXT)).hasSize(6).startsWith("2024-01-31T10:15:01.500Z")
        .contains("2024-01-31 10:15:01.5+00", "2024-01-31 10:15:01.500000", "2024-01-31 10:15:01.5")
        .allSatisfy(f -> assertThat(LegacyPlaintext.parse(Instant.class, f)).isEqualTo(instant));
    java.time.OffsetDateTime india = java.time.OffsetDateTime.parse("2024-01-31T15:45:01.5+05:30");
    FieldEncryptor<java.time.OffsetDateTime> odt = CIPHER.field(FieldSpec.builder("D", "o",
        java.time.OffsetDateTime.class).mode(EncryptionMode.DETERMINISTIC).build());
    assertThat(odt.legacySearchFormCount()).isEqualTo(8);
    assertThat(odt.legacySearchForms(india, null, ColumnStorage.TEXT)).hasSize(8)
        .contains("2024-01-31 15:45:01.5+05:30", "2024-01-31 10:15:01.5+00", "2024-01-31 10:15:01.500000")
        .allSatisfy(f -> assertThat(LegacyPlaintext.parse(java.time.OffsetDateTime.class, f).toInstant())
            .isEqualTo(instant));
  }

  @Test
  void legacyPlaintext_isOffByDefault_declaredOnTheColumn_andKeptByToBuilder() {
    EncryptedColumn plain = EncryptedColumn.builder("t", "email", String.class).build();
    assertThat(plain.legacyPlaintext()).isFalse();
    EncryptedColumn migrating = EncryptedColumn.builder("t", "email", String.class).legacyPlaintext(true).build();
    assertThat(migrating.legacyPlaintext()).isTrue();
    assertThat(migrating.toBuilder().build().legacyPlaintext()).isTrue();
    assertThat(migrating.toBuilder().legacyPlaintext(false).build().legacyPlaintext()).isFalse();
    assertThat(migrating.toString()).contains("legacy plaintext");
  }

  private static byte[] header(int formatByte, int length) {
    byte[] b = new byte[length];
    b[0] = (byte) formatByte;
    b[1] = 0x01;
    return b;
  }
}
