package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyring;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.KeysetSource;
import dev.fieldvault.keys.KeysetSources;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.keys.WrongKeyEncryptionKeyException;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import dev.fieldvault.spring.boot.FieldVaultProperties;
import dev.fieldvault.spring.boot.FieldVaultStartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The keys loaded from {@code fieldvault.keys.*} and the KEK; refreshed on a daemon thread. */
public final class LoadedKeys implements FieldVaultKeys, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoadedKeys.class);

  private final FieldVaultProperties.Keys settings;
  private final KeyEncryptionKey kek;
  private final boolean kms;
  private final DataSource dataSource;
  private final KeyStore store;
  private final StoredKeyring stored;
  private final FieldCipher cipher;
  private final List<Consumer<Keyring>> listeners = new CopyOnWriteArrayList<>();
  private volatile Instant lastLoaded;
  private volatile String lastReloadFailure;
  private ScheduledExecutorService refresher;

  private LoadedKeys(FieldVaultProperties properties, KeyEncryptionKey kek, DataSource dataSource) {
    this.settings = properties.getKeys();
    this.kek = kek;
    this.kms = properties.getKek().getKmsKeyUri() != null && !properties.getKek().getKmsKeyUri().isBlank();
    this.dataSource = dataSource;
    String aead = name(settings.getAead());
    String daead = name(settings.getDeterministic());
    String prf = name(settings.getPrf());
    if (aead == null && daead == null) {
      throw new FieldVaultStartupException("Neither fieldvault.keys.aead nor fieldvault.keys.deterministic names a"
          + " keyset.", "Name the keyset of randomized fields in fieldvault.keys.aead (default app-aead).", null);
    }
    sameKeysetTwice(aead, "fieldvault.keys.aead", daead, "fieldvault.keys.deterministic");
    sameKeysetTwice(aead, "fieldvault.keys.aead", prf, "fieldvault.keys.prf");
    sameKeysetTwice(daead, "fieldvault.keys.deterministic", prf, "fieldvault.keys.prf");
    try {
      if (settings.getStore() == FieldVaultProperties.Store.DATABASE) {
        if (dataSource == null) {
          throw new FieldVaultStartupException("fieldvault.keys.store=database, but the application has no DataSource.",
              "Configure spring.datasource.*, or keep the keysets in files: fieldvault.keys.store=files with"
                  + " fieldvault.keys.files.aead (and .deterministic, .prf).", null);
        }
        this.store = KeyStore.create(dataSource, kek, VaultTables.withPrefix(settings.getTablePrefix()));
        ensureStored(aead, KeyPurpose.AEAD, "fieldvault.keys.aead");
        ensureStored(daead, KeyPurpose.DETERMINISTIC_AEAD, "fieldvault.keys.deterministic");
        ensureStored(prf, KeyPurpose.PRF, "fieldvault.keys.prf");
        this.stored = StoredKeyring.open(store, aead, daead, prf);
        this.cipher = properties.getTenants().isEnabled()
            ? FieldCipher.create(stored.keyring(), new StoredTenantKeyrings(store, properties.getTenants()))
            : stored.cipher();
      } else {
        if (properties.getTenants().isEnabled()) {
          throw new FieldVaultStartupException("fieldvault.tenants.enabled needs the database key store, but"
              + " fieldvault.keys.store=files.", "Set fieldvault.keys.store=database, or fieldvault.tenants.enabled=false.",
              null);
        }
        this.store = null;
        this.stored = null;
        this.cipher = FieldCipher.create(Keyring.of(
            fromFile(aead, KeyPurpose.AEAD, settings.getFiles().getAead(), "aead"),
            fromFile(daead, KeyPurpose.DETERMINISTIC_AEAD, settings.getFiles().getDeterministic(), "deterministic"),
            fromFile(prf, KeyPurpose.PRF, settings.getFiles().getPrf(), "prf")));
      }
    } catch (dev.fieldvault.jdbc.keystore.VaultStorageException e) {
      if (settings.getStore() != FieldVaultProperties.Store.DATABASE || !missingTable(e)) {
        throw e;
      }
      boolean liquibaseOff = !properties.getLiquibase().isEnabled();
      throw new FieldVaultStartupException("The key store table "
          + VaultTables.withPrefix(settings.getTablePrefix()).keyset() + " does not exist in the"
          + " application's database" + (liquibaseOff ? " (fieldvault.liquibase.enabled=false, so the starter did not"
          + " create FieldVault's tables)." : "."), (liquibaseOff ? "Set fieldvault.liquibase.enabled=true (the starter"
          + " then applies FieldVault's changelogs with the application's Liquibase), or create" : "Create")
          + " FieldVault's tables: run db/changelog/fieldvault/fieldvault-schema-<database>.sql from the vault-jdbc jar"
          + " (and secrets-schema-<database>.sql from the vault-secrets jar), or `fieldvault schema install --jdbc-url"
          + " ...`; check fieldvault.keys.table-prefix (now '" + settings.getTablePrefix() + "') and the database.", e);
    } catch (WrongKeyEncryptionKeyException e) {
      throw new FieldVaultStartupException("A keyset is encrypted under another key-encryption key than the"
          + " configured one: " + e.getMessage(), "Configure the KEK the keysets were created under"
          + " (fieldvault.kek.*: the same master secret or KMS key as where they were made), or point"
          + " fieldvault.keys.* at the keysets made for this KEK.", e);
    } catch (KeyUnavailableException e) {
      if (kms && !(e.getMessage() != null && e.getMessage().startsWith("No keyset named"))) {
        throw KekFactory.unreachable(properties.getKek().getKmsKeyUri(), e);
      }
      throw e;
    }
    this.lastLoaded = Instant.now();
  }

  /** Loads the keys (creating missing ones only when {@code fieldvault.keys.create-if-missing}). */
  public static LoadedKeys load(FieldVaultProperties properties, KeyEncryptionKey kek, DataSource dataSource) {
    LoadedKeys keys;
    try {
      keys = new LoadedKeys(properties, kek, dataSource);
    } catch (RuntimeException | Error e) {
      closeKek(kek); // a failed start-up leaves no KMS client (and its connections) behind
      throw e;
    }
    java.time.Duration every = properties.getKeys().getRefreshInterval();
    if (keys.store != null && every != null && !every.isNegative() && !every.isZero()) {
      keys.startRefresh(every.toMillis());
    }
    LOG.info("FieldVault keys loaded: {} (KEK {})", keys.describe(), kek.id());
    return keys;
  }

  private static void sameKeysetTwice(String a, String propertyA, String b, String propertyB) {
    if (a != null && a.equals(b)) {
      throw new FieldVaultStartupException(propertyA + " and " + propertyB + " both name the keyset '" + a + "': each"
          + " mode needs its own keyset (fieldvault.keys.aead an AEAD keyset, .deterministic a DETERMINISTIC_AEAD one,"
          + " .prf a PRF one).", "Set " + propertyA + " and " + propertyB + " to different keysets (defaults: app-aead,"
          + " app-daead, app-prf); leave one empty if no field uses that mode.", null);
    }
  }

  /** Whether the key store's failure is a missing table (SQLState 42S02: H2, MariaDB; 42P01: PostgreSQL). */
  private static boolean missingTable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("42S02") || sql.getSQLState().equals("42P01")
              || sql.getSQLState().equals("42S04") || sql.getSQLState().equals("42102"))) {
        return true;
      }
    }
    return false;
  }

  private void ensureStored(String name, KeyPurpose purpose, String property) {
    if (name == null) {
      return;
    }
    Optional<dev.fieldvault.jdbc.keystore.StoredKeyset> found = store.find(name);
    if (found.isEmpty()) {
      if (settings.isCreateIfMissing()) {
        store.insert(VaultKeyset.generate(name, purpose));
        LOG.warn("fieldvault.keys.create-if-missing: generated the {} keyset '{}' in {} (development only: in"
            + " production create keysets once with the CLI)", purpose, name, store.tables().keyset());
        return;
      }
      throw new FieldVaultStartupException("The key store table " + store.tables().keyset() + " has no keyset named '"
          + name + "' (" + property + "); it holds " + store.names() + ".",
          "Set " + property + " to one of the stored keysets, create it with the CLI (`fieldvault keys generate --name "
              + name + " --purpose " + purpose + " --jdbc-url ...`), check fieldvault.keys.table-prefix and the"
              + " database, or in development set fieldvault.keys.create-if-missing=true.", null);
    }
    if (found.get().keyset().purpose() != purpose) {
      throw new FieldVaultStartupException("The keyset '" + name + "' (" + property + ") is a "
          + found.get().keyset().purpose() + " keyset, not " + purpose + ".",
          "Set " + property + " to a " + purpose + " keyset.", null);
    }
  }

  private VaultKeyset fromFile(String name, KeyPurpose purpose, Path file, String key) {
    if (name == null) {
      return null;
    }
    String property = "fieldvault.keys.files." + key;
    if (file == null) {
      throw new FieldVaultStartupException("fieldvault.keys.store=files, but " + property + " is not set.",
          "Set " + property + " to the encrypted keyset file of '" + name + "' (`fieldvault keys generate --name "
              + name + " --purpose " + purpose + " -f <file>`), or clear fieldvault.keys." + key
              + " if no field uses it.", null);
    }
    KeysetSource source = KeysetSources.encryptedFile(file, kek);
    if (!Files.exists(file)) {
      if (!settings.isCreateIfMissing()) {
        throw new FieldVaultStartupException("The keyset file " + file + " (" + property + ") does not exist.",
            "Create it with `fieldvault keys generate --name " + name + " --purpose " + purpose + " -f " + file
                + "`, correct " + property + ", or in development set fieldvault.keys.create-if-missing=true.", null);
      }
      source.store(VaultKeyset.generate(name, purpose));
      LOG.warn("fieldvault.keys.create-if-missing: generated the {} keyset file {} (development only)", purpose, file);
    }
    VaultKeyset ks;
    try {
      ks = source.load();
    } catch (WrongKeyEncryptionKeyException e) {
      throw new FieldVaultStartupException("The keyset file " + file + " (" + property + ") is encrypted under another"
          + " key-encryption key than the configured one: " + e.getMessage(),
          "Configure the KEK it was created under (fieldvault.kek.*), or set " + property
              + " to the keyset file made for this KEK.", e);
    } catch (VaultConfigurationException e) {
      throw new FieldVaultStartupException("The keyset file " + file + " (" + property + ") cannot be loaded: "
          + e.getMessage(), "Check the file and " + property + ".", e);
    }
    if (ks.purpose() != purpose) {
      throw new FieldVaultStartupException("The keyset file " + file + " (" + property + ") holds a " + ks.purpose()
          + " keyset, not " + purpose + ".", "Set " + property + " to a " + purpose + " keyset file.", null);
    }
    return ks;
  }

  private static String name(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private synchronized void startRefresh(long millis) {
    refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fieldvault-keys-refresh");
      t.setDaemon(true);
      return t;
    });
    refresher.scheduleWithFixedDelay(() -> {
      try {
        reload();
        lastReloadFailure = null;
      } catch (RuntimeException e) {
        lastReloadFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warn("FieldVault key refresh failed, keeping the loaded keys: {}", e.toString());
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public FieldCipher cipher() {
    return cipher;
  }

  @Override
  public Keyring keyring() {
    return cipher.keyring();
  }

  @Override
  public List<VaultKeyset> keysets() {
    Keyring k = keyring();
    List<VaultKeyset> out = new ArrayList<>(3);
    k.aead().ifPresent(out::add);
    k.deterministic().ifPresent(out::add);
    k.prf().ifPresent(out::add);
    return out;
  }

  @Override
  public Optional<KeyStore> keyStore() {
    return Optional.ofNullable(store);
  }

  @Override
  public KeyEncryptionKey kek() {
    return kek;
  }

  @Override
  public Optional<DataSource> dataSource() {
    return Optional.ofNullable(dataSource);
  }

  @Override
  public synchronized boolean reload() {
    if (stored == null) {
      lastLoaded = Instant.now();
      return false;
    }
    boolean changed = stored.reload();
    lastLoaded = Instant.now();
    if (changed) {
      if (cipher != stored.cipher()) {
        cipher.reload(stored.keyring()); // the cipher with per-tenant keyrings follows the default keyring
      }
      Keyring now = cipher.keyring();
      for (Consumer<Keyring> l : listeners) {
        l.accept(now);
      }
    }
    return changed;
  }

  @Override
  public Instant lastLoaded() {
    return lastLoaded;
  }

  @Override
  public Optional<String> lastReloadFailure() {
    return Optional.ofNullable(lastReloadFailure);
  }

  @Override
  public void onChange(Consumer<Keyring> listener) {
    listeners.add(listener);
  }

  /** Which keysets, their primaries and key counts: names and numbers only. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (VaultKeyset ks : keysets()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(ks.name()).append(" (").append(ks.purpose()).append(", primary #")
          .append(ks.primary().ordinal()).append(", ").append(ks.keys().size())
          .append(ks.keys().size() == 1 ? " key)" : " keys)");
    }
    return sb.append(store != null ? " from " + store.tables().keyset() : " from files").toString();
  }

  /** Stops the refresh and closes the KEK's client when the starter made one (an AWS KMS client). */
  @Override
  public synchronized void close() {
    if (refresher != null) {
      refresher.shutdownNow();
      refresher = null;
    }
    closeKek(kek);
  }

  private static void closeKek(KeyEncryptionKey kek) {
    if (kek instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("FieldVault: closing the key-encryption key's client failed: {}", e.getClass().getName());
      }
    }
  }

  @Override
  public String toString() {
    return "FieldVaultKeys{" + describe() + "}";
  }
}
