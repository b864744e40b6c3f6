package dev.fieldvault.keys.internal;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink key managers FieldVault uses, once. */
public final class TinkSetup {

  private static volatile boolean registered;

  private TinkSetup() {}

  public static void ensureRegistered() {
    if (registered) {
      return;
    }
    synchronized (TinkSetup.class) {
      if (registered) {
        return;
      }
      try {
        AeadConfig.register();
        DeterministicAeadConfig.register();
        PrfConfig.register();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("Tink could not register its key managers", e);
      }
      registered = true;
    }
  }
}
