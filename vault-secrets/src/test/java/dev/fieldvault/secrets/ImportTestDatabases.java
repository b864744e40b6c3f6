package dev.fieldvault.secrets;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;

/** {@link SecretsTestSupport} for the tests of other packages of the module (imports). */
public final class ImportTestDatabases {

  private ImportTestDatabases() {}

  /** The database with the secrets tables under {@code prefix}, migrated once per run. */
  public static TestDatabase migrated(Kind kind, String prefix) throws Exception {
    return SecretsTestSupport.migrated(kind, prefix);
  }

  public static FieldCipher cipher() {
    return SecretsTestSupport.cipher();
  }

  public static String unique(String base) {
    return SecretsTestSupport.unique(base);
  }
}
