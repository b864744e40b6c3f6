package dev.fieldvault.spring.boot;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The application's FieldVault keys, as the starter loaded them from {@code fieldvault.*}: the
 * {@link FieldCipher} every part uses ({@code @Encrypted} entities, the JDBC wrapper, the secrets
 * vault, the rotation job), the keyring behind it, and, with the database store, the
 * {@link KeyStore}. A bean; inject it to reach the cipher or to {@link #reload()} after promoting a key.
 */
public interface FieldVaultKeys {

  /** The cipher; the same object for the application's lifetime (reloads switch its keys in place). */
  FieldCipher cipher();

  /** The keyring in use now. */
  Keyring keyring();

  /** The keysets of the keyring, in the order AEAD, deterministic, PRF (absent ones left out). */
  List<VaultKeyset> keysets();

  /** The key store, when {@code fieldvault.keys.store=database}. */
  Optional<KeyStore> keyStore();

  /** The KEK the keysets are stored under (its {@link KeyEncryptionKey#id()} is not secret). */
  KeyEncryptionKey kek();

  /**
   * The DataSource FieldVault's own tables are reached through: the application's, never through
   * the JDBC wrapper. Empty with {@code store=files} and no DataSource bean.
   */
  Optional<DataSource> dataSource();

  /**
   * Loads keysets changed by another instance or the CLI (one cheap query when nothing changed) and
   * hands a changed keyring to every {@code @Encrypted} EntityManagerFactory.
   *
   * @return whether the keyring changed
   */
  boolean reload();

  /** When the keys were last loaded or checked for changes. */
  Instant lastLoaded();

  /** Why the last periodic reload failed (the loaded keys are kept), or empty. */
  Optional<String> lastReloadFailure();

  /** Calls {@code listener} with the new keyring after every change (start-up excluded). */
  void onChange(Consumer<Keyring> listener);
}
