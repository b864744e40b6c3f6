package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;

/**
 * A secret name, namespace, tenant or principal that the vault refuses before touching the database:
 * empty, too long, or holding a character no database stores faithfully (U+0000, an unpaired UTF-16
 * surrogate). The message says which rule was broken and never repeats the rejected text.
 */
public final class InvalidSecretNameException extends VaultConfigurationException {

  InvalidSecretNameException(String message) {
    super(message);
  }
}
