package dev.fieldvault.keys.internal;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/** {@link HeaderedAead} over any Tink {@link Aead}: one copy each way. */
public final class TinkHeaderedAead implements HeaderedAead {

  private final Aead aead;

  public TinkHeaderedAead(Aead aead) {
    this.aead = aead;
  }

  @Override
  public byte[] encrypt(byte header, byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
    byte[] tink = aead.encrypt(plaintext, associatedData);
    byte[] out = new byte[tink.length + 1];
    out[0] = header;
    System.arraycopy(tink, 0, out, 1, tink.length);
    return out;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
    return aead.decrypt(Arrays.copyOfRange(ciphertext, 1, ciphertext.length), associatedData);
  }
}
