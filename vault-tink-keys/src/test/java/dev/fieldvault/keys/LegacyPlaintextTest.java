package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LegacyPlaintextTest {

  enum Plan { FREE, PRO }

  @Test
  void textForms_areReadAsTheColumnsType() {
    assertThat(LegacyPlaintext.parse(String.class, " Ada ")).isEqualTo(" Ada "); // a string as stored
    assertThat(LegacyPlaintext.parse(Integer.class, " 42 ")).isEqualTo(42);
    assertThat(LegacyPlaintext.parse(int.class, "42")).isEqualTo(42);
    assertThat(LegacyPlaintext.parse(Long.class, "-7".getBytes(StandardCharsets.UTF_8))).isEqualTo(-7L);
    assertThat(LegacyPlaintext.parse(BigDecimal.class, "12.50")).isEqualTo(new BigDecimal("12.50"));
    assertThat(LegacyPlaintext.parse(LocalDate.class, "2024-01-31")).isEqualTo(LocalDate.of(2024, 1, 31));
    assertThat(LegacyPlaintext.parse(LocalDateTime.class, "2024-01-31 10:15:00"))
        .isEqualTo(LocalDateTime.of(2024, 1, 31, 10, 15));
    UUID u = UUID.randomUUID();
    assertThat(LegacyPlaintext.parse(UUID.class, u.toString())).isEqualTo(u);
    assertThat(LegacyPlaintext.parse(Plan.class, "PRO")).isEqualTo(Plan.PRO);
    assertThat(LegacyPlaintext.parse(byte[].class, "abc")).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
    for (String yes : new String[] {"true", "T", "1", "yes", "Y", "on"}) {
      assertThat(LegacyPlaintext.parse(Boolean.class, yes)).as(yes).isTrue();
    }
    for (String no : new String[] {"false", "f", "0", "NO", "n", "off"}) {
      assertThat(LegacyPlaintext.parse(boolean.class, no)).as(no).isFalse();
    }
  }

  @Test
  void aValueThatIsNotItsTypesTextForm_isATypedError_withoutTheValue() {
    assertThatThrownBy(() -> LegacyPlaintext.parse(Integer.class, "secret-4711x"))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("Integer").hasMessageNotContaining("4711");
    // a boolean is never guessed: "maybe" is not false
    assertThatThrownBy(() -> LegacyPlaintext.parse(Boolean.class, "maybe")).isInstanceOf(ValueCodecException.class);
    assertThatThrownBy(() -> LegacyPlaintext.parse(Plan.class, "GOLD")).isInstanceOf(ValueCodecException.class);
    assertThatThrownBy(() -> LegacyPlaintext.parse(StringBuilder.class, "x")).isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("cannot be read");
    assertThat(LegacyPlaintext.supports(String.class)).isTrue();
    assertThat(LegacyPlaintext.supports(StringBuilder.class)).isFalse();
  }

  @Test
  void columnSizes_fitTheCiphertextOfTheLongestValue() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("sizes"));
    FieldEncryptor<String> name = cipher.field(FieldSpec.builder("U", "name", String.class).build());
    String longest = "é".repeat(40); // 2 UTF-8 bytes each: within the 3-per-character rule
    byte[] ct = name.encrypt(longest);
    assertThat((long) ct.length).isLessThanOrEqualTo(CiphertextSizes.columnLength(String.class, 40, ColumnStorage.BINARY));
    assertThat((long) name.encryptToText(longest, null, null).length())
        .isEqualTo(CiphertextSizes.storedLength(ct.length, ColumnStorage.TEXT))
        .isLessThanOrEqualTo(CiphertextSizes.columnLength(String.class, 40, ColumnStorage.TEXT));
    assertThat(CiphertextSizes.columnLength(Integer.class, 999, ColumnStorage.BINARY)).isEqualTo(4 + 34);
    assertThat(CiphertextSizes.columnLength(String.class, 100, ColumnStorage.TEXT, 46)).isEqualTo(4 * ((300 + 46 + 2) / 3));
    FieldEncryptor<String> phone = cipher.field(FieldSpec.builder("U", "phone", String.class).blindIndex().build());
    assertThat((long) phone.blindIndex("x", null).length).isEqualTo(CiphertextSizes.blindIndexLength(16, ColumnStorage.BINARY));
  }
}
