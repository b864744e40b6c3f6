package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.Address;
import dev.fieldvault.hibernate.entities.AllTypes;
import dev.fieldvault.hibernate.entities.Color;
import dev.fieldvault.hibernate.entities.TextTypes;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EncryptedRoundTripTest {

  private static final String LONG_TEXT = "lorem ipsum dolor sit amet ".repeat(30);

  static AllTypes sample() {
    AllTypes e = new AllTypes();
    e.label = "all-types";
    e.aString = "Grüße, Zoë – plaintext-string";
    e.bytes = new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
    e.bool = true;
    e.aByte = (byte) -7;
    e.aShort = (short) 31_000;
    e.anInt = 123_456_789;
    e.aLong = 9_876_543_210_123L;
    e.aFloat = 3.25f;
    e.aDouble = -2.718281828;
    e.bigInteger = new BigInteger("123456789012345678901234567890");
    e.bigDecimal = new BigDecimal("-98765.43210");
    e.date = LocalDate.of(1984, 2, 29);
    e.time = LocalTime.of(23, 59, 58, 123_456_789);
    e.dateTime = LocalDateTime.of(2031, 12, 31, 1, 2, 3, 4);
    e.instant = Instant.ofEpochSecond(1_700_000_000L, 42);
    e.offsetDateTime = OffsetDateTime.of(2020, 6, 7, 8, 9, 10, 11, ZoneOffset.ofHours(-5));
    e.uuid = UUID.fromString("0f3c2b1a-aaaa-4bbb-8ccc-1234567890ab");
    e.color = Color.ULTRAMARINE_BLUE;
    e.longText = LONG_TEXT;
    e.nullable = null;
    e.address = new Address("221B Baker Street", "London");
    return e;
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void everySupportedType_roundTrips_andTheColumnsHoldOnlyCiphertext(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_all_types");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("rt"), AllTypes.class)) {
      AllTypes in = sample();
      Jpa.tx(sf, s -> s.persist(in));

      AllTypes out = Jpa.call(sf, s -> s.find(AllTypes.class, in.id));
      assertThat(out).usingRecursiveComparison().isEqualTo(in);

      List<String> columns = List.of("s_string", "s_bytes", "s_bool", "s_byte", "s_short", "s_int", "s_long",
          "s_float", "s_double", "s_bigint", "s_bigdec", "s_date", "s_time", "s_datetime", "s_instant",
          "s_offset", "s_uuid", "s_color", "s_long_text", "street");
      for (String column : columns) {
        Object raw = Jpa.raw(db, "hib_all_types", column, in.id);
        assertThat(raw).as(column).isInstanceOf(byte[].class);
        byte[] bytes = (byte[]) raw;
        assertThat(CiphertextHeader.looksLikeCiphertext(bytes)).as(column).isTrue();
        assertThat(CiphertextHeader.parse(bytes).mode()).as(column).isEqualTo(EncryptionMode.RANDOMIZED);
      }
      assertThat(new String((byte[]) Jpa.raw(db, "hib_all_types", "s_string", in.id), StandardCharsets.ISO_8859_1))
          .doesNotContain("plaintext-string");
      assertThat(new String((byte[]) Jpa.raw(db, "hib_all_types", "street", in.id), StandardCharsets.ISO_8859_1))
          .doesNotContain("Baker");
      assertThat(CiphertextHeader.parse((byte[]) Jpa.raw(db, "hib_all_types", "s_long_text", in.id)).compressed())
          .isTrue();
      assertThat(Jpa.raw(db, "hib_all_types", "s_nullable", in.id)).isNull();
      assertThat(Jpa.raw(db, "hib_all_types", "label", in.id)).isEqualTo("all-types");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void textColumns_holdBase64Ciphertext_andRoundTrip(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_text_types");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("txt"), TextTypes.class)) {
      TextTypes in = new TextTypes();
      in.id = "row-1";
      in.aString = "text-secret-value";
      in.anInt = -42;
      in.date = LocalDate.of(2001, 9, 11);
      in.uuid = UUID.randomUUID();
      in.color = Color.GREEN;
      in.amount = new BigDecimal("10.50");
      in.secret = "row-bound-secret";
      in.code = "CODE-1";
      Jpa.tx(sf, s -> s.persist(in));

      TextTypes out = Jpa.call(sf, s -> s.find(TextTypes.class, "row-1"));
      assertThat(out).usingRecursiveComparison().isEqualTo(in);
      for (String column : List.of("t_string", "t_int", "t_date", "t_uuid", "t_color", "t_amount", "t_secret", "t_code")) {
        Object raw = Jpa.raw(db, "hib_text_types", column, "row-1");
        assertThat(raw).as(column).isInstanceOf(String.class);
        assertThat(CiphertextHeader.looksLikeCiphertext(Base64.getDecoder().decode((String) raw))).as(column).isTrue();
      }
      assertThat((String) Jpa.raw(db, "hib_text_types", "t_string", "row-1")).doesNotContain("secret");
    }
  }
}
