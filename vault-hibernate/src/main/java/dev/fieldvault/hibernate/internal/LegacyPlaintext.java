package dev.fieldvault.hibernate.internal;

/**
 * Reads a legacy plaintext column value (text, or bytes) as the attribute's Java type: the core's
 * {@link dev.fieldvault.keys.LegacyPlaintext}, which the plaintext migration job uses too, so that an
 * entity loaded during a migration holds the value the job encrypts.
 */
final class LegacyPlaintext {

  private LegacyPlaintext() {}

  static Object parse(Class<?> type, Object stored) {
    return dev.fieldvault.keys.LegacyPlaintext.parse(type, stored);
  }
}
