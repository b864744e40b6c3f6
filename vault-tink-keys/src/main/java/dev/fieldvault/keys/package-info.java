/**
 * FieldVault's keys and ciphertext: everything other modules build on, with no JDBC.
 *
 * <p>Start with a {@link dev.fieldvault.keys.Keyring} of {@link dev.fieldvault.keys.VaultKeyset}s
 * (loaded through a {@link dev.fieldvault.keys.KeysetSource} and a
 * {@link dev.fieldvault.keys.KeyEncryptionKey}), create a {@link dev.fieldvault.keys.FieldCipher}, and
 * describe each field with a {@link dev.fieldvault.keys.FieldSpec}:
 *
 * <pre>{@code
 * KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret(System.getenv("FIELDVAULT_MASTER_SECRET"));
 * Keyring keyring = Keyring.of(
 *     KeysetSources.encryptedFile(Path.of("keys/aead.json"), kek).load(),
 *     KeysetSources.encryptedFile(Path.of("keys/daead.json"), kek).load(),
 *     KeysetSources.encryptedFile(Path.of("keys/prf.json"), kek).load());
 * FieldCipher cipher = FieldCipher.create(keyring);
 * FieldEncryptor<String> email = cipher.field(
 *     FieldSpec.builder("Customer", "email", String.class).mode(EncryptionMode.DETERMINISTIC).build());
 * byte[] stored = email.encrypt("ada@example.com");
 * String back = email.decrypt(stored);
 * }</pre>
 *
 * <p>For many keysets, a {@link dev.fieldvault.keys.BranchKey} (stored wrapped by a KMS key or master
 * secret, unwrapped once) serves as the KEK of every keyset: loading them costs one KMS call, and a
 * KMS key rotation rewraps only the branch key.
 *
 * <p>{@link dev.fieldvault.keys.EncryptedColumn} is FieldVault's one model of an encrypted column
 * (table, column, field spec, storage, row binding, tenant, blind index), with one name rule
 * ({@link dev.fieldvault.keys.SqlIdentifier}); the JDBC wrapper, the rewrapper, the key inventory,
 * the CLI and the Hibernate integration all take it.
 *
 * <p>The ciphertext format, the bound context and the value encodings are specified in
 * {@code docs/FORMAT.md}. Errors form one family rooted at {@link dev.fieldvault.keys.FieldVaultException}.
 */
package dev.fieldvault.keys;
