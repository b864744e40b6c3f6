package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CipherMetricsTest {

  /** Records what it is told, as text: the mode, a failure reason, never more. */
  static final class Recorder implements CipherMetrics {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void encrypted(EncryptionMode mode, long nanos) {
      assertThat(nanos).isNotNegative();
      events.add("encrypted " + mode);
    }

    @Override
    public void decrypted(EncryptionMode mode, long nanos) {
      assertThat(nanos).isNotNegative();
      events.add("decrypted " + mode);
    }

    @Override
    public void decryptionFailed(Failure reason) {
      events.add("failed " + reason);
    }
  }

  private static final EncryptionContext CTX = EncryptionContext.of("Patient", "email");
  private static final byte[] VALUE = "ann@example.com".getBytes(StandardCharsets.UTF_8);

  @Test
  void encryptionsAndDecryptions_areReportedByMode() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("cm"));
    Recorder r = new Recorder();
    cipher.setMetrics(r);

    byte[] randomized = cipher.encrypt(VALUE, CTX, EncryptionMode.RANDOMIZED);
    byte[] deterministic = cipher.encrypt(VALUE, CTX, EncryptionMode.DETERMINISTIC);
    cipher.decrypt(randomized, CTX);
    cipher.decrypt(deterministic, CTX, EncryptionMode.DETERMINISTIC);

    assertThat(r.events).containsExactly("encrypted RANDOMIZED", "encrypted DETERMINISTIC",
        "decrypted RANDOMIZED", "decrypted DETERMINISTIC");
  }

  @Test
  void failedDecryptions_areReportedWithTheirReason_andStillThrow() {
    Keyring keyring = Keyring.generate("cm");
    FieldCipher cipher = FieldCipher.create(keyring);
    byte[] ct = cipher.encrypt(VALUE, CTX, EncryptionMode.RANDOMIZED);
    Recorder r = new Recorder();
    cipher.setMetrics(r);

    byte[] tampered = ct.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decrypt(tampered, CTX)).isInstanceOf(DecryptionFailedException.class);
    assertThatThrownBy(() -> cipher.decrypt(ct, EncryptionContext.of("Patient", "ssn")))
        .isInstanceOf(DecryptionFailedException.class);
    assertThatThrownBy(() -> cipher.decrypt(new byte[] {1, 2, 3}, CTX)).isInstanceOf(MalformedCiphertextException.class);
    assertThatThrownBy(() -> cipher.decrypt(ct, CTX, EncryptionMode.DETERMINISTIC))
        .isInstanceOf(DecryptionFailedException.class);

    FieldCipher other = FieldCipher.create(Keyring.generate("other"));
    other.setMetrics(r);
    assertThatThrownBy(() -> other.decrypt(ct, CTX)).isInstanceOf(UnknownKeyVersionException.class);

    VaultKeyset aead = keyring.aead().orElseThrow();
    FieldCipher disabled = FieldCipher.create(keyring.with(aead.rotate().disable(aead.primary().ordinal())));
    disabled.setMetrics(r);
    assertThatThrownBy(() -> disabled.decrypt(ct, CTX)).isInstanceOf(KeyUnavailableException.class);

    assertThat(r.events).containsExactly("failed TAMPERED", "failed TAMPERED", "failed MALFORMED", "failed TAMPERED",
        "failed UNKNOWN_KEY", "failed KEY_DISABLED");
  }

  @Test
  void withoutMetrics_nothingIsReported_andSettingNullStopsReporting() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("cm"));
    Recorder r = new Recorder();
    cipher.setMetrics(r);
    cipher.encrypt(VALUE, CTX, EncryptionMode.RANDOMIZED);
    cipher.setMetrics(null);
    cipher.decrypt(cipher.encrypt(VALUE, CTX, EncryptionMode.RANDOMIZED), CTX);
    assertThat(r.events).containsExactly("encrypted RANDOMIZED");
  }
}
