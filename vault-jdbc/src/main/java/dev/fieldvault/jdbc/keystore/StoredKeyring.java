package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyring of one application instance, loaded once from a {@link KeyStore} and cached, with
 * the {@link FieldCipher} built on it. A key promoted by another instance reaches this one through
 * {@link #reload()} or the periodic refresh of {@link #refreshEvery(Duration)}; the KEK is used
 * only when a keyset actually changed. Thread-safe; {@link #close()} stops the refresh.
 */
public final class StoredKeyring implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StoredKeyring.class);

  private final KeyStore store;
  private final String aeadName;
  private final String deterministicName;
  private final String prfName;
  private final FieldCipher cipher;
  private volatile Map<String, KeyStore.Stamp> versions;
  private ScheduledExecutorService refresher;

  private StoredKeyring(KeyStore store, String aeadName, String deterministicName, String prfName) {
    this.store = Objects.requireNonNull(store, "store");
    this.aeadName = aeadName;
    this.deterministicName = deterministicName;
    this.prfName = prfName;
    this.versions = store.stamps(names());
    this.cipher = FieldCipher.create(store.loadKeyring(aeadName, deterministicName, prfName));
  }

  /**
   * Loads the named keysets (the deterministic and PRF names may be null when unused).
   *
   * @throws dev.fieldvault.keys.KeyUnavailableException if one is not stored
   * @throws dev.fieldvault.keys.WrongKeyEncryptionKeyException if the store's KEK does not open it
   */
  public static StoredKeyring open(KeyStore store, String aeadName, String deterministicName, String prfName) {
    return new StoredKeyring(store, aeadName, deterministicName, prfName);
  }

  /** The cipher over the current keyring; the same object across reloads. */
  public FieldCipher cipher() {
    return cipher;
  }

  public Keyring keyring() {
    return cipher.keyring();
  }

  /**
   * Reloads the keysets if any stored keyset changed: a new version, or deleted and inserted again (one
   * query of the keysets' versions and document digests otherwise).
   *
   * @return whether the keyring changed
   */
  public synchronized boolean reload() {
    Map<String, KeyStore.Stamp> now = store.stamps(names());
    if (now.equals(versions)) {
      return false;
    }
    cipher.reload(store.loadKeyring(aeadName, deterministicName, prfName));
    LOG.info("Reloaded keysets {} (versions {} -> {})", names(), versions, now);
    versions = now;
    return true;
  }

  /**
   * Starts reloading every {@code interval} on a daemon thread; a failed reload is logged and the
   * current keyring kept. Calling it again changes the interval.
   */
  public synchronized StoredKeyring refreshEvery(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("The refresh interval must be positive, not " + interval);
    }
    stopRefresh();
    refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fieldvault-keyring-refresh");
      t.setDaemon(true);
      return t;
    });
    long ms = interval.toMillis();
    refresher.scheduleWithFixedDelay(() -> {
      try {
        reload();
      } catch (RuntimeException e) {
        LOG.warn("Keyring refresh failed, keeping the current keys: {}", e.toString());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops the periodic refresh, if any. */
  @Override
  public synchronized void close() {
    stopRefresh();
  }

  private void stopRefresh() {
    if (refresher != null) {
      refresher.shutdownNow();
      refresher = null;
    }
  }

  private List<String> names() {
    List<String> out = new ArrayList<>(3);
    for (String n : new String[] {aeadName, deterministicName, prfName}) {
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "StoredKeyring{" + names() + ", versions=" + versions + "}";
  }
}
