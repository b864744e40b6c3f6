package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;

/**
 * A {@link RequestContext} part the vault refuses: empty, longer than 255 characters, or holding a
 * control character or an unpaired surrogate. The message names the part and the rule, never the text.
 */
public final class InvalidRequestContextException extends VaultConfigurationException {

  InvalidRequestContextException(String message) {
    super(message);
  }
}
