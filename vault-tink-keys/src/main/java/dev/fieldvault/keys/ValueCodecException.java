package dev.fieldvault.keys;

/**
 * A decrypted value could not be decoded as the field's Java type, which usually means the field's
 * type changed after the value was written. The message names the type, never the data.
 */
public final class ValueCodecException extends FieldVaultException {

  public ValueCodecException(String message) {
    super(message);
  }
}
