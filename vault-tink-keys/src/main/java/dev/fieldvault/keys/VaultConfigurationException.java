package dev.fieldvault.keys;

/**
 * A configuration mistake: an unsupported type, a missing keyset, an invalid option. Raised as early
 * as possible (when a cipher, field or mapping is built), never at the first query.
 */
public class VaultConfigurationException extends FieldVaultException {

  public VaultConfigurationException(String message) {
    super(message);
  }

  public VaultConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
