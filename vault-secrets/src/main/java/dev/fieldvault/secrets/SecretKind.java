package dev.fieldvault.secrets;

/**
 * What a secret is, for typed values built with {@link Secrets} and read back with the typed accessors
 * of {@link SecretValue} and {@link SecretResult}. The kind travels inside the encrypted value (so the
 * typed accessors trust only the authenticated one) and is also kept in the entry's {@code kind} column
 * as plaintext metadata for listing ({@link SecretInfo#kind()}, {@link ListQuery#kind}); sealed stores
 * keep no kind column. Values built with {@code SecretValue.ofString/ofBytes/ofJson} are {@link #GENERIC}.
 */
public enum SecretKind {
  /** A string, bytes or JSON value without a declared kind (every value written before kinds). */
  GENERIC(0),
  /** An API key ({@link Secrets.ApiKey}). */
  API_KEY(1),
  /** Database credentials ({@link Secrets.DatabaseCredentials}). */
  DATABASE_CREDENTIALS(2),
  /** An X.509 certificate chain ({@link Secrets.Certificate}). */
  CERTIFICATE(3),
  /** A signing key: algorithm and key material ({@link Secrets.SigningKey}). */
  SIGNING_KEY(4),
  /** An OAuth token ({@link Secrets.OAuthToken}). */
  OAUTH_TOKEN(5),
  /** A configuration map of strings ({@link Secrets#config}). */
  CONFIG(6);

  private final int code;

  SecretKind(int code) {
    this.code = code;
  }

  /** The kind's byte in the value encoding (docs/FORMAT.md, section 9); stable across versions. */
  int code() {
    return code;
  }

  static SecretKind ofCode(int code) {
    for (SecretKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    return null;
  }
}
