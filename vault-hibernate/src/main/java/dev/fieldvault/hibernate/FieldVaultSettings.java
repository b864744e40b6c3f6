package dev.fieldvault.hibernate;

/**
 * Configuration properties read when the session factory starts (in {@code persistence.xml}, the
 * properties map of {@code Persistence.createEntityManagerFactory}, Hibernate's {@code Configuration},
 * or Spring Boot's {@code spring.jpa.properties}).
 */
public final class FieldVaultSettings {

  /**
   * The keys: a {@link dev.fieldvault.keys.Keyring}, a {@link dev.fieldvault.keys.FieldCipher}, a
   * {@code java.util.function.Supplier} of either (the hook for Spring or CDI beans), or the name of a
   * {@code Supplier} class with a public no-argument constructor. Required as soon as one attribute is
   * {@link Encrypted}.
   */
  public static final String KEYRING = "fieldvault.keyring";

  /** The default {@link PlaintextPolicy}: {@code CIPHERTEXT_ONLY} (default), {@code MIGRATE} or {@code MIGRATE_AND_LOG}. */
  public static final String PLAINTEXT_POLICY = "fieldvault.plaintext_policy";

  private FieldVaultSettings() {}
}
