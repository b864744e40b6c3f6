package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NonceUniquenessTest {

  @Test
  void oneMillionRandomizedEncryptionsOfOneValue_repeatNoNonce() {
    int n = Integer.getInteger("fieldvault.nonceTest.count", 1_000_000);
    FieldCipher cipher = FieldCipher.create(Keyring.generate("nonce"));
    EncryptionContext ctx = EncryptionContext.of("T", "c");
    byte[] value = "the same value every time".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // AES-GCM nonce: 12 bytes after the 6-byte header. Keep the first 8 (a collision of all 12
    // bytes implies one of the first 8) and the last 4 separately.
    long[] high = new long[n];
    int[] low = new int[n];
    for (int i = 0; i < n; i++) {
      byte[] ct = cipher.encrypt(value, ctx, EncryptionMode.RANDOMIZED);
      long h = 0;
      for (int b = 6; b < 14; b++) {
        h = (h << 8) | (ct[b] & 0xFF);
      }
      high[i] = h;
      low[i] = ((ct[14] & 0xFF) << 24) | ((ct[15] & 0xFF) << 16) | ((ct[16] & 0xFF) << 8) | (ct[17] & 0xFF);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> high[a] != high[b] ? Long.compare(high[a], high[b]) : Integer.compare(low[a], low[b]));
    int repeats = 0;
    for (int i = 1; i < n; i++) {
      if (high[order[i]] == high[order[i - 1]] && low[order[i]] == low[order[i - 1]]) {
        repeats++;
      }
    }
    assertThat(n).isGreaterThanOrEqualTo(1_000_000);
    assertThat(repeats).as("repeated 96-bit nonces among %d encryptions", n).isZero();
  }
}
