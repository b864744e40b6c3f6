package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TamperingTest {

  static final FieldCipher CIPHER = FieldCipher.create(Keyring.generate("tamper"));
  static final EncryptionContext CTX = EncryptionContext.of("Customer", "email", "acme", 7L);
  static final EncryptionContext DET_CTX = EncryptionContext.of("Customer", "email", "acme", null);
  static final String SECRET = "alice@example.com is the secret value";

  @ParameterizedTest(name = "{0} compress={1}")
  @CsvSource({"RANDOMIZED,false", "RANDOMIZED,true", "DETERMINISTIC,false", "DETERMINISTIC,true"})
  void everySingleByteFlip_isRejectedWithATypedError(EncryptionMode mode, boolean compress) {
    EncryptionContext ctx = mode == EncryptionMode.DETERMINISTIC ? DET_CTX : CTX;
    byte[] plain = (compress ? SECRET.repeat(20) : SECRET).getBytes(StandardCharsets.UTF_8);
    byte[] ct = CIPHER.encrypt(plain, ctx, mode, compress ? 0 : -1);
    assertThat(CiphertextHeader.parse(ct).compressed()).isEqualTo(compress);
    int checked = 0;
    for (int i = 0; i < ct.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] bad = ct.clone();
        bad[i] ^= (byte) mask;
        assertThatThrownBy(() -> CIPHER.decrypt(bad, ctx))
            .as("flip 0x%02x at byte %d", mask, i)
            .isInstanceOfAny(DecryptionFailedException.class, KeyUnavailableException.class)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("alice"));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(ct.length * 3);
  }

  @Test
  void headerFlips_areReportedPrecisely() {
    byte[] ct = CIPHER.encrypt(bytes("x"), CTX, EncryptionMode.RANDOMIZED);

    byte[] version = ct.clone();
    version[0] = 0x20;
    assertThatThrownBy(() -> CIPHER.decrypt(version, CTX)).isInstanceOf(MalformedCiphertextException.class)
        .hasMessageContaining("format version 2");

    byte[] reserved = ct.clone();
    reserved[0] |= 0x04;
    assertThatThrownBy(() -> CIPHER.decrypt(reserved, CTX)).isInstanceOf(MalformedCiphertextException.class)
        .hasMessageContaining("reserved");

    // flipping the mode bit is caught: the deterministic keyset does not hold the AEAD key's id
    byte[] mode = ct.clone();
    mode[0] ^= 0x01;
    assertThatThrownBy(() -> CIPHER.decrypt(mode, CTX)).isInstanceOf(FieldVaultException.class);

    // flipping the compressed bit is caught by the authentication of the header
    byte[] comp = ct.clone();
    comp[0] ^= 0x02;
    assertThatThrownBy(() -> CIPHER.decrypt(comp, CTX)).isInstanceOf(DecryptionFailedException.class)
        .hasMessageContaining("domain='Customer' field='email'");

    byte[] keyId = ct.clone();
    keyId[3] ^= 0x10;
    assertThatThrownBy(() -> CIPHER.decrypt(keyId, CTX)).isInstanceOf(UnknownKeyVersionException.class)
        .hasMessageContaining("tamper-aead")
        .hasMessageContaining(Integer.toUnsignedString(CiphertextHeader.parse(keyId).keyId()));
  }

  @Test
  void truncatedAndEmptyValues_areMalformed_withAHintAboutPlaintext() {
    byte[] ct = CIPHER.encrypt(bytes("hello"), CTX, EncryptionMode.RANDOMIZED);
    for (int len = 0; len <= 6; len++) {
      byte[] cut = java.util.Arrays.copyOf(ct, len);
      assertThatThrownBy(() -> CIPHER.decrypt(cut, CTX)).isInstanceOf(MalformedCiphertextException.class)
          .hasMessageContaining("plaintext");
    }
    for (int len = 7; len < ct.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(ct, len);
      assertThatThrownBy(() -> CIPHER.decrypt(cut, CTX)).isInstanceOf(DecryptionFailedException.class);
    }
  }

  @Test
  void plaintextInAnEncryptedTextColumn_isMalformed() {
    FieldEncryptor<String> f = CIPHER.field(FieldSpec.builder("Customer", "name", String.class).build());
    assertThatThrownBy(() -> f.decryptText("Alice Example", null, null))
        .isInstanceOf(MalformedCiphertextException.class)
        .hasMessageNotContaining("Alice");
    String notOurs = Base64.getEncoder().encodeToString(bytes("Alice Example, not encrypted"));
    assertThatThrownBy(() -> f.decryptText(notOurs, null, null)).isInstanceOf(MalformedCiphertextException.class);
  }

  /** Fuzz: random bytes and random mutations never decrypt and never escape the exception family. */
  @Test
  void randomInputsAndMutations_neverDecrypt_andOnlyThrowTheFamily() {
    Random rnd = new Random(20261123L);
    byte[] ct = CIPHER.encrypt(bytes(SECRET), CTX, EncryptionMode.RANDOMIZED);
    for (int round = 0; round < 20_000; round++) {
      byte[] input;
      if (round % 2 == 0) {
        input = new byte[rnd.nextInt(80)];
        rnd.nextBytes(input);
        if (input.length > 1 && rnd.nextBoolean()) {
          input[0] = (byte) (0x10 | rnd.nextInt(4)); // plausible header
          input[1] = 0x01;
        }
      } else {
        input = ct.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
          switch (rnd.nextInt(3)) {
            case 0:
              input[rnd.nextInt(input.length)] = (byte) rnd.nextInt(256);
              break;
            case 1:
              input = java.util.Arrays.copyOf(input, Math.max(0, input.length - 1 - rnd.nextInt(8)));
              break;
            default:
              input = java.util.Arrays.copyOf(input, input.length + 1 + rnd.nextInt(8));
          }
          if (input.length == 0) {
            break;
          }
        }
        if (java.util.Arrays.equals(input, ct)) {
          continue;
        }
      }
      byte[] in = input;
      assertThatThrownBy(() -> CIPHER.decrypt(in, CTX)).isInstanceOf(FieldVaultException.class);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
