package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.RegistryConfiguration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FieldVault's own AES-GCM path writes and reads exactly what Tink's AES-GCM primitive does. */
class TinkCompatibilityTest {

  @Test
  void fieldVaultAesGcm_andTinkAesGcm_readEachOthersCiphertexts() throws Exception {
    VaultKeyset ks = VaultKeyset.generate("compat", KeyPurpose.AEAD).addKey(); // two keys, primary is the first
    FieldCipher cipher = FieldCipher.create(Keyring.of(ks, null, null));
    Aead tink = ks.handle().getPrimitive(RegistryConfiguration.get(), Aead.class);
    EncryptionContext ctx = EncryptionContext.of("Customer", "notes", "acme", 9L);
    Random rnd = new Random(7);
    for (int len : new int[] {0, 1, 15, 16, 17, 64, 1000, 70_000}) {
      byte[] plain = new byte[len];
      rnd.nextBytes(plain);
      byte[] ours = cipher.encrypt(plain, ctx, EncryptionMode.RANDOMIZED);
      byte header = ours[0];
      byte[] ad = ctx.associatedData(header);
      assertThat(tink.decrypt(Arrays.copyOfRange(ours, 1, ours.length), ad)).isEqualTo(plain);

      byte[] theirs = tink.encrypt(plain, ad);
      byte[] stored = new byte[theirs.length + 1];
      stored[0] = header;
      System.arraycopy(theirs, 0, stored, 1, theirs.length);
      assertThat(cipher.decrypt(stored, ctx)).isEqualTo(plain);
      assertThat(stored.length).isEqualTo(ours.length);
    }
  }

  @Test
  void manyKeysInterleavedOnOneThread_allDecrypt() {
    FieldCipher[] tenants = new FieldCipher[20];
    byte[][] cts = new byte[20][];
    EncryptionContext ctx = EncryptionContext.of("T", "c");
    for (int i = 0; i < tenants.length; i++) {
      tenants[i] = FieldCipher.create(Keyring.of(VaultKeyset.generate("t" + i, KeyPurpose.AEAD), null, null));
      cts[i] = tenants[i].encrypt(new byte[] {(byte) i}, ctx, EncryptionMode.RANDOMIZED);
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < tenants.length; i++) {
        assertThat(tenants[i].decrypt(cts[i], ctx)).containsExactly((byte) i);
      }
    }
  }
}
