package dev.fieldvault.kms.aws;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One moto server for a test class: started by the first test that asks for it (so that a server
 * that cannot start fails each test with its own message) and stopped after the class. Register it
 * as {@code @RegisterExtension static final SharedMoto MOTO = new SharedMoto();}.
 */
final class SharedMoto implements AfterAllCallback {

  private MotoKms moto;

  synchronized MotoKms get() {
    if (moto == null) {
      moto = MotoKms.start();
    }
    return moto;
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (moto != null) {
      moto.close();
      moto = null;
    }
  }
}
