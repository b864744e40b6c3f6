package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ContextBindingTest {

  static final FieldCipher CIPHER = FieldCipher.create(Keyring.generate("ctx"));

  @Test
  void randomizedCiphertext_movedToAnotherDomainFieldTenantOrRow_failsToDecrypt() {
    EncryptionContext home = EncryptionContext.of("Customer", "ssn", "acme", 41L);
    byte[] ct = CIPHER.encrypt(new byte[] {9, 8, 7}, home, EncryptionMode.RANDOMIZED);
    assertThat(CIPHER.decrypt(ct, home)).containsExactly(9, 8, 7);

    for (EncryptionContext elsewhere : new EncryptionContext[] {
        EncryptionContext.of("Supplier", "ssn", "acme", 41L),
        EncryptionContext.of("Customer", "taxId", "acme", 41L),
        EncryptionContext.of("Customer", "ssn", "globex", 41L),
        EncryptionContext.of("Customer", "ssn", null, 41L),
        EncryptionContext.of("Customer", "ssn", "acme", 42L),
        EncryptionContext.of("Customer", "ssn", "acme", null)}) {
      assertThatThrownBy(() -> CIPHER.decrypt(ct, elsewhere))
          .as("moved to %s", elsewhere)
          .isInstanceOf(DecryptionFailedException.class)
          .hasMessageContaining("domain='" + elsewhere.domain() + "'")
          .hasMessageContaining("copied from another field, row or tenant");
    }
  }

  @Test
  void errorMessage_saysARowIsBound_butNeverShowsTheRowId() {
    EncryptionContext home = EncryptionContext.of("Customer", "ssn", null, "user-8842-secret-ish-id");
    byte[] ct = CIPHER.encrypt(new byte[] {1}, home, EncryptionMode.RANDOMIZED);
    assertThatThrownBy(() -> CIPHER.decrypt(ct, home.withRowId("other")))
        .hasMessageContaining("row-bound")
        .hasMessageNotContaining("user-8842");
  }

  @Test
  void deterministic_sameValueSameContext_isEqual_otherContextIsNot() {
    FieldEncryptor<String> email = CIPHER.field(
        FieldSpec.builder("Customer", "email", String.class).mode(EncryptionMode.DETERMINISTIC).build());
    FieldEncryptor<String> altEmail = CIPHER.field(
        FieldSpec.builder("Customer", "altEmail", String.class).mode(EncryptionMode.DETERMINISTIC).build());
    FieldEncryptor<String> supplierEmail = CIPHER.field(
        FieldSpec.builder("Supplier", "email", String.class).mode(EncryptionMode.DETERMINISTIC).build());

    byte[] a = email.encrypt("bob@example.com");
    assertThat(email.encrypt("bob@example.com")).isEqualTo(a);
    assertThat(email.encrypt("bob@example.com", "acme", null)).isEqualTo(email.encrypt("bob@example.com", "acme", null));
    assertThat(email.encrypt("bob@example.com", "acme", null)).isNotEqualTo(a);
    assertThat(altEmail.encrypt("bob@example.com")).isNotEqualTo(a);
    assertThat(supplierEmail.encrypt("bob@example.com")).isNotEqualTo(a);
    assertThat(email.encrypt("bob@example.org")).isNotEqualTo(a);
    assertThatThrownBy(() -> altEmail.decrypt(a)).isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void contextEncoding_isUnambiguous_forNamesThatConcatenateAlike() {
    // "ab"+"c" and "a"+"bc" must be different contexts (length prefixes, not concatenation)
    byte[] ct = CIPHER.encrypt(new byte[] {1}, EncryptionContext.of("ab", "c"), EncryptionMode.DETERMINISTIC);
    assertThat(CIPHER.encrypt(new byte[] {1}, EncryptionContext.of("a", "bc"), EncryptionMode.DETERMINISTIC))
        .isNotEqualTo(ct);
    assertThatThrownBy(() -> CIPHER.decrypt(ct, EncryptionContext.of("a", "bc")))
        .isInstanceOf(DecryptionFailedException.class);
    // a tenant named like the row id is not the row id
    byte[] t = CIPHER.encrypt(new byte[] {1}, EncryptionContext.of("d", "f", "7", null), EncryptionMode.RANDOMIZED);
    assertThatThrownBy(() -> CIPHER.decrypt(t, EncryptionContext.of("d", "f", null, "7")))
        .isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void rowIds_areCanonical_acrossNumericAndUuidTypes() {
    UUID id = UUID.fromString("123E4567-E89B-12D3-A456-426614174000");
    byte[] ct = CIPHER.encrypt(new byte[] {5}, EncryptionContext.of("T", "c", null, 42L), EncryptionMode.RANDOMIZED);
    assertThat(CIPHER.decrypt(ct, EncryptionContext.of("T", "c", null, 42))).containsExactly(5);
    assertThat(CIPHER.decrypt(ct, EncryptionContext.of("T", "c", null, new java.math.BigDecimal("42.00")))).containsExactly(5);
    byte[] u = CIPHER.encrypt(new byte[] {6}, EncryptionContext.of("T", "c", null, id), EncryptionMode.RANDOMIZED);
    assertThat(CIPHER.decrypt(u, EncryptionContext.of("T", "c", null, id.toString().toLowerCase()))).containsExactly(6);
    assertThatThrownBy(() -> EncryptionContext.of("T", "c", null, new Object()))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("row id");
  }

  @Test
  void deterministicValues_cannotBeRowBound() {
    assertThatThrownBy(() -> CIPHER.encrypt(new byte[] {1}, EncryptionContext.of("T", "c", null, 1L),
        EncryptionMode.DETERMINISTIC)).isInstanceOf(VaultConfigurationException.class);
  }

  @Test
  void blindIndex_isStable_normalised_andBoundToItsContext() {
    FieldEncryptor<String> phone = CIPHER.field(FieldSpec.builder("Customer", "email", String.class)
        .blindIndex(16, Normalizers.caseInsensitive()).build());
    byte[] bi = phone.blindIndex("Bob@Example.com ", null);
    assertThat(bi).hasSize(FieldCipher.BLIND_INDEX_HEADER + 16);
    assertThat(phone.blindIndex("bob@example.com", null)).isEqualTo(bi);
    assertThat(phone.blindIndex("bob@example.org", null)).isNotEqualTo(bi);
    assertThat(phone.blindIndex("bob@example.com", "acme")).isNotEqualTo(bi);
    FieldEncryptor<String> other = CIPHER.field(FieldSpec.builder("Customer", "altEmail", String.class)
        .blindIndex(16, Normalizers.caseInsensitive()).build());
    assertThat(other.blindIndex("bob@example.com", null)).isNotEqualTo(bi);
    assertThat(FieldCipher.blindIndexKeyId(bi)).isEqualTo(CIPHER.keyring().prf().orElseThrow().primary().keyId());
    // the randomized ciphertext itself stays randomized
    assertThat(phone.encrypt("bob@example.com")).isNotEqualTo(phone.encrypt("bob@example.com"));
  }
}
