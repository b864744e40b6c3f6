package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Provider;
import java.security.Security;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/** AES-GCM-SIV needs a provider such as Conscrypt; without one, FieldVault says so when the key is generated. */
class AesGcmSivTest {

  @Test
  void withoutAProvider_generationFailsWithWhatToAdd() {
    Provider conscrypt = Security.getProvider("Conscrypt");
    if (conscrypt != null) {
      Security.removeProvider("Conscrypt");
    }
    try {
      assertThatThrownBy(() -> VaultKeyset.generate("siv", KeyAlgorithm.AES256_GCM_SIV))
          .isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("conscrypt-openjdk-uber")
          .hasMessageContaining("AES256_GCM");
    } finally {
      if (conscrypt != null) {
        Security.addProvider(conscrypt);
      }
    }
  }

  @Test
  void withConscrypt_aesGcmSivRoundTrips_andIsRandomized() {
    if (Security.getProvider("Conscrypt") == null) {
      Security.addProvider(Conscrypt.newProvider());
    }
    try {
      FieldCipher c = FieldCipher.create(Keyring.of(VaultKeyset.generate("siv", KeyAlgorithm.AES256_GCM_SIV), null, null));
      EncryptionContext ctx = EncryptionContext.of("T", "c");
      byte[] a = c.encrypt(new byte[] {1, 2, 3}, ctx, EncryptionMode.RANDOMIZED);
      byte[] b = c.encrypt(new byte[] {1, 2, 3}, ctx, EncryptionMode.RANDOMIZED);
      assertThat(a).isNotEqualTo(b);
      assertThat(c.decrypt(a, ctx)).containsExactly(1, 2, 3);
      assertThatThrownBy(() -> c.decrypt(a, EncryptionContext.of("T", "other")))
          .isInstanceOf(DecryptionFailedException.class);
    } finally {
      Security.removeProvider("Conscrypt");
    }
  }
}
