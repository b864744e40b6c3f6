package dev.fieldvault.secrets.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.VaultConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The sealed stores' key derivations: PBKDF2-HMAC-SHA256 against known answers, the stored forms. */
class SealedKeysTest {

  @Test
  void pbkdf2HmacSha256_matchesKnownAnswers() {
    // RFC 7914 section 11 / widely published PBKDF2-HMAC-SHA256 answers (first 32 bytes), and one
    // computed independently (Python's hashlib.pbkdf2_hmac) at the vault's 600,000 iterations
    assertThat(hex(SealedKeys.pbkdf2HmacSha256(utf8("password"), utf8("salt"), 1)))
        .isEqualTo("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    assertThat(hex(SealedKeys.pbkdf2HmacSha256(utf8("password"), utf8("salt"), 4096)))
        .isEqualTo("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    byte[] secret = new byte[20];
    for (int i = 0; i < secret.length; i += 4) {
      secret[i] = 0;
      secret[i + 1] = (byte) 255;
      secret[i + 2] = 1;
      secret[i + 3] = (byte) 254;
    }
    byte[] salt = new byte[16];
    for (int i = 0; i < 16; i++) {
      salt[i] = (byte) i;
    }
    assertThat(hex(SealedKeys.pbkdf2HmacSha256(secret, salt, 600_000)))
        .isEqualTo("bcab41083a833c8bce40c923048f526145db0aa981d5cd8b6f1dbbcc8ae8c901");
  }

  @Test
  void generations_deriveDifferentKeys_andEachIsStable() {
    byte[] secret = utf8("0123456789abcdef-caller");
    SealedKdf v2 = SealedKdf.newest();
    SealedKeys g1 = new SealedKeys(secret, "acme", "codes");
    SealedKeys g2 = new SealedKeys(secret, "acme", "codes", v2);

    assertThat(g2.nameHash("pin")).isNotEqualTo(g1.nameHash("pin"));
    assertThat(new SealedKeys(secret, "acme", "codes", SealedKdf.parse(v2.stored())).nameHash("pin"))
        .isEqualTo(g2.nameHash("pin"));
    assertThat(new SealedKeys(secret, "acme", "codes", SealedKdf.newest()).nameHash("pin"))
        .as("another store salt").isNotEqualTo(g2.nameHash("pin"));
    assertThat(g2.open("pin", g2.seal("pin", utf8("1234")))).isEqualTo(utf8("1234"));
  }

  @Test
  void storedForms_roundTrip_andUnknownOnesAreRefused() {
    SealedKdf v2 = SealedKdf.newest();
    assertThat(v2.stored()).startsWith("pbkdf2-sha256:600000:");
    assertThat(SealedKdf.parse(v2.stored())).isEqualTo(v2);
    assertThat(SealedKdf.parse(null)).isEqualTo(SealedKdf.LEGACY);
    assertThat(SealedKdf.parse("hkdf-sha256")).isEqualTo(SealedKdf.LEGACY);
    assertThatThrownBy(() -> SealedKdf.parse("argon2id:3:AAAA")).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("upgrade this application");
    assertThatThrownBy(() -> SealedKdf.parse("pbkdf2-sha256:1000:AAAAAAAAAAAAAAAAAAAAAA"))
        .as("fewer than 100,000 iterations").isInstanceOf(VaultConfigurationException.class);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
