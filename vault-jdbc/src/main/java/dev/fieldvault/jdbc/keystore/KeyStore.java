package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.keys.BranchKey;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyInfo;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data keysets stored in a database table ({@link VaultTables#keyset()}), each encrypted under the
 * KEK, with a version for optimistic locking. Thread-safe; holds no connection between calls.
 *
 * <pre>{@code
 * KeyStore store = KeyStore.create(dataSource, KeyEncryptionKeys.fromMasterSecret(secret));
 * store.insert(VaultKeyset.generate("app-aead", KeyPurpose.AEAD));
 * store.update("app-aead", VaultKeyset::rotate);               // promote a new key
 * StoredKeyring keyring = StoredKeyring.open(store, "app-aead", "app-daead", "app-prf");
 * }</pre>
 *
 * <p>Two instances changing one keyset at the same time cannot corrupt it: a change is written
 * only if the version it was based on is still the stored one, otherwise
 * {@link ConcurrentKeysetChangeException}.
 */
public final class KeyStore {

  private static final Logger LOG = LoggerFactory.getLogger(KeyStore.class);
  private static final String ACTIVE = "ACTIVE";

  /** The {@code purpose} of a branch key's row in the key store table (it is not a data keyset). */
  public static final String BRANCH_KEY_PURPOSE = "BRANCH_KEY";

  private final DataSource dataSource;
  private final KeyEncryptionKey kek;
  private final VaultTables tables;
  private final BranchKeyRows branchKeys;

  private KeyStore(DataSource dataSource, KeyEncryptionKey kek, VaultTables tables) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.kek = Objects.requireNonNull(kek, "kek");
    this.tables = Objects.requireNonNull(tables, "tables");
    this.branchKeys = new BranchKeyRows(dataSource, tables);
  }

  /** Reads and unwraps the stored branch key {@code name} (one call to {@code wrappingKek}). */
  BranchKey readBranchKey(String name, KeyEncryptionKey wrappingKek) {
    return branchKeys.read(name, wrappingKek);
  }

  /** A store in the default table {@code fieldvault_keyset}. */
  public static KeyStore create(DataSource dataSource, KeyEncryptionKey kek) {
    return new KeyStore(dataSource, kek, VaultTables.defaults());
  }

  /** A store in the key store table of {@code tables}. */
  public static KeyStore create(DataSource dataSource, KeyEncryptionKey kek, VaultTables tables) {
    return new KeyStore(dataSource, kek, tables);
  }

  /**
   * A hierarchical store: its data keysets are wrapped by the branch key {@code branchKeyName}, stored
   * in the same table and wrapped by {@code wrappingKek} (a KMS key, a master secret or a local master
   * keyset). The branch key is unwrapped here, once: one call to {@code wrappingKek} (one KMS Decrypt),
   * whatever the number of keysets; loading keysets afterwards makes no KEK call. Create the branch
   * key with {@link #moveToBranchKey}.
   *
   * @throws KeyUnavailableException if no such branch key is stored, or (a KMS-specific subclass) if
   *     the wrapping KEK cannot be used; {@link dev.fieldvault.keys.WrongKeyEncryptionKeyException} if
   *     it is wrapped by another KEK
   */
  public static KeyStore hierarchical(DataSource dataSource, VaultTables tables, String branchKeyName,
      KeyEncryptionKey wrappingKek) {
    Objects.requireNonNull(branchKeyName, "branchKeyName");
    Objects.requireNonNull(wrappingKek, "wrappingKek");
    KeyStore reader = new KeyStore(dataSource, wrappingKek, tables);
    BranchKey branchKey = reader.branchKeys.read(branchKeyName, wrappingKek);
    KeyStore store = new KeyStore(dataSource, wrappingKek, tables);
    return store.withKek(new BranchKeyHolder(store, branchKeyName, wrappingKek, branchKey));
  }

  /** The same table under another KEK (after {@link #rotateKek}). */
  public KeyStore withKek(KeyEncryptionKey newKek) {
    return new KeyStore(dataSource, newKek, tables);
  }

  public KeyEncryptionKey kek() {
    return kek;
  }

  public VaultTables tables() {
    return tables;
  }

  DataSource dataSource() {
    return dataSource;
  }

  // ---------------------------------------------------------------------------------------------

  /** Stores a new keyset at version 1; refused if a keyset of that name exists. */
  public StoredKeyset insert(VaultKeyset keyset) {
    String doc = keyset.toEncryptedJson(kek);
    String sql = "INSERT INTO " + tables.keyset()
        + " (name, purpose, kek_id, version, status, document, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (exists(c, keyset.name())) {
        throw new VaultConfigurationException("Keyset '" + keyset.name() + "' already exists in "
            + tables.keyset() + ": change it with update() instead of inserting it again");
      }
      ps.setString(1, keyset.name());
      ps.setString(2, keyset.purpose().name());
      ps.setString(3, kek.id());
      ps.setString(4, ACTIVE);
      ps.setString(5, doc);
      ps.setLong(6, System.currentTimeMillis());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw storage("insert keyset '" + keyset.name() + "' into", e);
    }
    LOG.info("Stored keyset '{}' ({}) under KEK '{}'", keyset.name(), keyset.purpose(), kek.id());
    return new StoredKeyset(keyset, 1, kek.id());
  }

  /** The keyset of that name, decrypted with this store's KEK, if stored. */
  public Optional<StoredKeyset> find(String name) {
    String sql = "SELECT version, kek_id, document FROM " + tables.keyset() + " WHERE name = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long version = rs.getLong(1);
        String kekId = rs.getString(2);
        return Optional.of(new StoredKeyset(VaultKeyset.fromEncryptedJson(rs.getString(3), kek), version, kekId));
      }
    } catch (SQLException e) {
      throw storage("read keyset '" + name + "' from", e);
    }
  }

  /** The keyset of that name; {@link KeyUnavailableException} if it is not stored. */
  public StoredKeyset load(String name) {
    return find(name).orElseThrow(() -> new KeyUnavailableException("No keyset named '" + name + "' in "
        + tables.keyset() + ": insert it first, or check the table prefix and the database the application uses"));
  }

  /** A keyring of stored keysets; the deterministic and PRF names may be null when unused. */
  public Keyring loadKeyring(String aeadName, String deterministicName, String prfName) {
    return Keyring.of(aeadName == null ? null : load(aeadName).keyset(),
        deterministicName == null ? null : load(deterministicName).keyset(),
        prfName == null ? null : load(prfName).keyset());
  }

  /** The stored versions of the named keysets (absent names are left out), in one query. */
  public Map<String, Long> versions(Collection<String> names) {
    Map<String, Long> out = new LinkedHashMap<>();
    stamps(names).forEach((name, stamp) -> out.put(name, stamp.version()));
    return out;
  }

  /**
   * What identifies a stored keyset's content: its version, when it was written and a digest of its
   * encrypted document. A keyset deleted and inserted again (a tenant shredded and provisioned anew)
   * starts again at version 1, so the version alone would not tell the new keys from the deleted ones;
   * the document (fresh random keys, fresh wrapping) does. {@code toString} shows the version only.
   */
  record Stamp(long version, long updatedAt, long digest) {
    @Override
    public String toString() {
      return Long.toString(version);
    }
  }

  /**
   * The stamps of the named keysets (absent names are left out), in one query: reads the encrypted
   * documents to digest them, decrypts nothing (no KEK call).
   */
  Map<String, Stamp> stamps(Collection<String> names) {
    Map<String, Stamp> out = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return out;
    }
    String marks = String.join(", ", java.util.Collections.nCopies(names.size(), "?"));
    String sql = "SELECT name, version, updated_at, document FROM " + tables.keyset() + " WHERE name IN (" + marks + ")";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (String n : names) {
        ps.setString(i++, n);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new Stamp(rs.getLong(2), rs.getLong(3), digest(rs.getString(4))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw storage("read keyset versions from", e);
    }
  }

  private static long digest(String document) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(document.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.nio.ByteBuffer.wrap(d).getLong();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** The names of every stored data keyset, in name order (branch keys are not listed). */
  public List<String> names() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT name FROM " + tables.keyset()
            + " WHERE purpose <> '" + BRANCH_KEY_PURPOSE + "' ORDER BY name");
        ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw storage("list keysets in", e);
    }
  }

  /**
   * Writes {@code next} in place of {@code expected} if the stored version is still
   * {@code expected.version()} (compare-and-set).
   *
   * @throws ConcurrentKeysetChangeException if another instance changed the keyset meanwhile
   */
  public StoredKeyset replace(StoredKeyset expected, VaultKeyset next) {
    if (!expected.name().equals(next.name()) || expected.keyset().purpose() != next.purpose()) {
      throw new VaultConfigurationException("Cannot replace keyset '" + expected.name() + "' by '" + next.name()
          + "' (" + next.purpose() + "): a change keeps the keyset's name and purpose");
    }
    String doc = next.toEncryptedJson(kek);
    String sql = "UPDATE " + tables.keyset() + " SET document = ?, kek_id = ?, version = ?, updated_at = ?"
        + " WHERE name = ? AND version = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, doc);
      ps.setString(2, kek.id());
      ps.setLong(3, expected.version() + 1);
      ps.setLong(4, System.currentTimeMillis());
      ps.setString(5, expected.name());
      ps.setLong(6, expected.version());
      if (ps.executeUpdate() != 1) {
        throw new ConcurrentKeysetChangeException("Keyset '" + expected.name() + "' was changed by another"
            + " instance after version " + expected.version() + " was read: nothing was written; load it again"
            + " and redo the change");
      }
    } catch (SQLException e) {
      throw storage("update keyset '" + expected.name() + "' in", e);
    }
    LOG.info("Keyset '{}' changed to version {} (primary key ordinal {})", next.name(), expected.version() + 1,
        next.primary().ordinal());
    return new StoredKeyset(next, expected.version() + 1, kek.id());
  }

  /**
   * Loads a keyset, applies {@code change} and stores the result with {@link #replace}: for example
   * {@code update("app-aead", VaultKeyset::rotate)}.
   *
   * @throws ConcurrentKeysetChangeException if another instance changed it in between
   */
  public StoredKeyset update(String name, UnaryOperator<VaultKeyset> change) {
    StoredKeyset current = load(name);
    return replace(current, change.apply(current.keyset()));
  }

  /**
   * Deletes keysets, all in one transaction: every value encrypted under their keys becomes
   * unreadable for good (crypto-shredding, e.g. a tenant's keysets for an erasure request; see
   * {@link StoredTenantKeyrings#shred}). Instances that cached the keys stop using them when they
   * reload: {@link StoredKeyring#reload()} (which then fails), or within the refresh interval of a
   * cipher built with {@code FieldCipher.create(default, tenantKeyrings, refreshTenantsAfter)}. There
   * is no undo except a database backup taken before. Each deleted keyset is logged at WARN (name,
   * purpose, version, KEK id: never key material). Names that are not stored are skipped.
   *
   * @return the number of keysets deleted
   * @throws VaultConfigurationException if a name is a branch key's (deleting it would make every
   *     keyset under it unreadable: that is never a keyset deletion)
   */
  public int delete(String... names) {
    return delete(List.of(names));
  }

  /** As {@link #delete(String...)}. */
  public int delete(Collection<String> names) {
    if (names.isEmpty()) {
      return 0;
    }
    List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(names));
    String marks = String.join(", ", java.util.Collections.nCopies(distinct.size(), "?"));
    List<String[]> deleted = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("SELECT name, purpose, version, kek_id FROM " + tables.keyset()
            + " WHERE name IN (" + marks + ") ORDER BY name FOR UPDATE")) {
          for (int i = 0; i < distinct.size(); i++) {
            ps.setString(i + 1, distinct.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (BRANCH_KEY_PURPOSE.equals(rs.getString(2))) {
                throw new VaultConfigurationException("'" + rs.getString(1) + "' is a branch key, not a data keyset:"
                    + " it is not deleted (every keyset under it would become unreadable); nothing was deleted");
              }
              deleted.add(new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3)), rs.getString(4)});
            }
          }
        }
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + tables.keyset() + " WHERE name IN (" + marks
            + ") AND purpose <> '" + BRANCH_KEY_PURPOSE + "'")) {
          for (int i = 0; i < distinct.size(); i++) {
            del.setString(i + 1, distinct.get(i));
          }
          del.executeUpdate();
        }
        c.commit();
      } catch (RuntimeException | SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw storage("delete keysets from", e);
    }
    for (String[] k : deleted) {
      LOG.warn("Deleted keyset '{}' ({}, version {}, under KEK '{}') from {}: values encrypted under its keys can no"
          + " longer be decrypted", k[0], k[1], k[2], k[3], tables.keyset());
    }
    return deleted.size();
  }

  /**
   * Disables a key after checking that no stored value uses it.
   *
   * @param usage a fresh inventory of every column encrypted with this keyset
   *     ({@code dev.fieldvault.jdbc.rotation.KeyInventory.scan})
   * @throws KeyInUseException if {@code usage} counts values under that key; the message says how
   *     many in which columns
   */
  public StoredKeyset disableKey(String name, int ordinal, KeyUsage usage) {
    StoredKeyset current = load(name);
    KeyInfo key = current.keyset().byOrdinal(ordinal);
    long count = usage.valuesUsing(key.keyId());
    if (count > 0) {
      throw new KeyInUseException("Cannot disable key " + ordinal + " (id " + key.keyIdText() + ") of keyset '"
          + name + "': " + count + " stored values still use it (" + usage.describeUsage(key.keyId())
          + "); run the rewrapper to move them to the primary key, then disable it");
    }
    return replace(current, current.keyset().disable(ordinal));
  }

  /**
   * Sets the minimum key ordinal that may decrypt after checking that no stored value uses an older
   * key: values under older keys are rejected by every instance once it reloads, even while those
   * keys are enabled.
   *
   * @param usage a fresh inventory of every column encrypted with this keyset
   *     ({@code dev.fieldvault.jdbc.rotation.KeyInventory.scan})
   * @throws KeyInUseException if {@code usage} counts values under a key older than {@code ordinal};
   *     the message says how many under which key in which columns
   */
  public StoredKeyset setMinimumDecryptOrdinal(String name, int ordinal, KeyUsage usage) {
    Objects.requireNonNull(usage, "usage");
    StoredKeyset current = load(name);
    VaultKeyset next = current.keyset().withMinimumDecryptOrdinal(ordinal); // validates the range first
    long count = 0;
    StringBuilder which = new StringBuilder();
    for (KeyInfo key : current.keyset().keys()) {
      long n = key.ordinal() < ordinal ? usage.valuesUsing(key.keyId()) : 0;
      if (n > 0) {
        count += n;
        which.append(which.length() == 0 ? "" : "; ").append("key ").append(key.ordinal()).append(" (id ")
            .append(key.keyIdText()).append("): ").append(usage.describeUsage(key.keyId()));
      }
    }
    if (count > 0) {
      throw new KeyInUseException("Cannot set the minimum decryption ordinal of keyset '" + name + "' to " + ordinal
          + ": " + count + " stored values still use older keys (" + which + ") and would become unreadable; run the"
          + " rewrapper to move them to the primary key first, or use forceMinimumDecryptOrdinal if they may be lost");
    }
    return replace(current, next);
  }

  /**
   * Sets the minimum decryption ordinal without checking the stored values: every value under an
   * older key becomes unreadable once the instances reload. The explicit override of
   * {@link #setMinimumDecryptOrdinal(String, int, KeyUsage)}, for values known to be disposable.
   */
  public StoredKeyset forceMinimumDecryptOrdinal(String name, int ordinal) {
    LOG.warn("Keyset '{}': minimum decryption ordinal forced to {} without an inventory check", name, ordinal);
    return update(name, ks -> ks.withMinimumDecryptOrdinal(ordinal));
  }

  /** How many keysets {@link #rotateKek(KeyEncryptionKey)} re-encrypts at once (KMS round trips overlap). */
  public static final int DEFAULT_KEK_ROTATION_PARALLELISM = 16;

  /**
   * Re-encrypts every stored keyset under {@code newKek}, in one transaction; touches no data row
   * and no key: O(number of keysets). Keysets already under {@code newKek} are left as they are, so
   * running it again is harmless. This store's KEK must open the others. With a KMS KEK each keyset
   * costs one Decrypt and one Encrypt call; {@value #DEFAULT_KEK_ROTATION_PARALLELISM} keysets are
   * re-encrypted at a time so that the KMS round trips overlap.
   *
   * @return the number of keysets re-encrypted; use {@link #withKek(KeyEncryptionKey)} afterwards
   */
  public int rotateKek(KeyEncryptionKey newKek) {
    return rotateKek(newKek, DEFAULT_KEK_ROTATION_PARALLELISM);
  }

  /**
   * As {@link #rotateKek(KeyEncryptionKey)}, re-encrypting up to {@code parallelism} keysets at a time
   * (1: one after the other). If any keyset fails (a KMS error, a document the old KEK does not open),
   * nothing is written and that failure is thrown.
   */
  public int rotateKek(KeyEncryptionKey newKek, int parallelism) {
    Objects.requireNonNull(newKek, "newKek");
    requireParallelism(parallelism);
    int changed;
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        changed = rotateKekIn(c, newKek, parallelism);
        c.commit();
      } catch (RuntimeException | SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw storage("rotate the KEK of the keysets in", e);
    }
    LOG.info("KEK rotation: {} keysets re-encrypted from '{}' to '{}'", changed, kek.id(), newKek.id());
    return changed;
  }

  private static void requireParallelism(int parallelism) {
    if (parallelism < 1 || parallelism > 256) {
      throw new VaultConfigurationException("The KEK rotation parallelism must be between 1 and 256, not " + parallelism);
    }
  }

  /** Re-encrypts the data keysets not yet under {@code newKek}, inside the caller's transaction. */
  private int rotateKekIn(Connection c, KeyEncryptionKey newKek, int parallelism) throws SQLException {
    String select = "SELECT name, version, kek_id, document FROM " + tables.keyset()
        + " WHERE purpose <> '" + BRANCH_KEY_PURPOSE + "' ORDER BY name FOR UPDATE";
    String update = "UPDATE " + tables.keyset() + " SET document = ?, kek_id = ?, updated_at = ?"
        + " WHERE name = ? AND version = ?";
    try (PreparedStatement sel = c.prepareStatement(select); PreparedStatement upd = c.prepareStatement(update)) {
      List<String[]> rows = new ArrayList<>();
      try (ResultSet rs = sel.executeQuery()) {
        while (rs.next()) {
          if (!newKek.id().equals(rs.getString(3))) {
            rows.add(new String[] {rs.getString(1), Long.toString(rs.getLong(2)), rs.getString(4)});
          }
        }
      }
      List<String> documents = rewrap(rows, newKek, parallelism);
      long now = System.currentTimeMillis();
      for (int i = 0; i < rows.size(); i++) {
        upd.setString(1, documents.get(i));
        upd.setString(2, newKek.id());
        upd.setLong(3, now);
        upd.setString(4, rows.get(i)[0]);
        upd.setLong(5, Long.parseLong(rows.get(i)[1]));
        upd.addBatch();
      }
      if (!rows.isEmpty()) {
        upd.executeBatch();
      }
      return rows.size();
    }
  }

  /** The documents of {@code rows} (name, version, document) re-encrypted under {@code newKek}, in order. */
  private List<String> rewrap(List<String[]> rows, KeyEncryptionKey newKek, int parallelism) {
    java.util.function.Function<String[], String> one =
        row -> VaultKeyset.fromEncryptedJson(row[2], kek).toEncryptedJson(newKek);
    List<String> out = new ArrayList<>(rows.size());
    int threads = Math.min(parallelism, rows.size() / 4);
    if (threads <= 1) {
      for (String[] row : rows) {
        out.add(one.apply(row));
      }
      return out;
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "fieldvault-kek-rotation");
      t.setDaemon(true);
      return t;
    });
    try {
      List<java.util.concurrent.Future<String>> futures = new ArrayList<>(rows.size());
      for (String[] row : rows) {
        futures.add(pool.submit(() -> one.apply(row)));
      }
      for (java.util.concurrent.Future<String> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new IllegalStateException("KEK rotation failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("KEK rotation interrupted; nothing was written", e);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Hierarchical mode: a branch key between the KMS key and the data keysets

  /**
   * Moves every data keyset from this store's KEK to a branch key: creates the branch key
   * {@code branchKeyName} (a new random AES-256-GCM key, wrapped by {@code wrappingKek}) unless it is
   * stored already, then rewraps the keysets under it (each one call to this store's KEK to unwrap).
   * No data row and no data key changes.
   *
   * @return the hierarchical store on that branch key
   */
  public KeyStore moveToBranchKey(String branchKeyName, KeyEncryptionKey wrappingKek) {
    if (kek instanceof BranchKeyHolder) {
      throw new VaultConfigurationException("This key store already uses branch key '"
          + ((BranchKeyHolder) kek).name() + "': rotate it with rotateBranchKey(), or its KMS key with"
          + " rotateBranchKeyKek()");
    }
    if (branchKeys.find(branchKeyName).isEmpty()) {
      branchKeys.insert(BranchKey.generate(branchKeyName), wrappingKek);
    }
    KeyStore next = hierarchical(dataSource, tables, branchKeyName, wrappingKek);
    int n = rotateKek(next.kek);
    LOG.info("Moved {} keysets to branch key '{}' (wrapped by '{}')", n, branchKeyName, wrappingKek.id());
    return next;
  }

  /**
   * Rotates the KMS key (or master secret) that wraps this hierarchical store's branch key: the
   * branch key is unwrapped with the current wrapping KEK and wrapped with {@code newWrappingKek}, so
   * two KEK calls in all; no data keyset and no data row is touched.
   *
   * @return the store with the same branch key, now wrapped by {@code newWrappingKek}
   * @throws ConcurrentKeysetChangeException if another instance changed the branch key meanwhile
   */
  public KeyStore rotateBranchKeyKek(KeyEncryptionKey newWrappingKek) {
    Objects.requireNonNull(newWrappingKek, "newWrappingKek");
    BranchKeyHolder holder = requireHierarchical("rotateBranchKeyKek");
    String[] row = branchKeys.row(holder.name());
    BranchKey branchKey = BranchKey.fromWrappedJson(row[1], holder.wrappingKek());
    branchKeys.write(holder.name(), Long.parseLong(row[0]), branchKey.toWrappedJson(newWrappingKek),
        newWrappingKek.id(), null);
    LOG.info("Branch key '{}' rewrapped from '{}' to '{}'", holder.name(), holder.wrappingKek().id(),
        newWrappingKek.id());
    KeyStore store = new KeyStore(dataSource, newWrappingKek, tables);
    return store.withKek(new BranchKeyHolder(store, holder.name(), newWrappingKek, branchKey));
  }

  /**
   * Rotates the branch key of this hierarchical store: a new random branch key version wraps every
   * data keyset again, locally (no KMS call per keyset; one KMS call to store the new branch key), and
   * the old version is dropped, all in one transaction. No data row and no data key changes.
   *
   * @return the number of keysets rewrapped
   */
  public int rotateBranchKey() {
    BranchKeyHolder holder = requireHierarchical("rotateBranchKey");
    BranchKey next = holder.current().rotate();
    String storedDocument = next.withoutRetiredVersions().toWrappedJson(holder.wrappingKek());
    int changed;
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        String[] row = branchKeys.row(c, holder.name());
        changed = rotateKekIn(c, next, DEFAULT_KEK_ROTATION_PARALLELISM);
        branchKeys.write(holder.name(), Long.parseLong(row[0]), storedDocument, holder.wrappingKek().id(), c);
        c.commit();
      } catch (RuntimeException | SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw storage("rotate branch key '" + holder.name() + "' in", e);
    }
    holder.set(next.withoutRetiredVersions());
    LOG.info("Branch key '{}' rotated to {}: {} keysets rewrapped", holder.name(), next.id(), changed);
    return changed;
  }

  /** The name of this store's branch key, if it is hierarchical. */
  public Optional<String> branchKeyName() {
    return kek instanceof BranchKeyHolder ? Optional.of(((BranchKeyHolder) kek).name()) : Optional.empty();
  }

  private BranchKeyHolder requireHierarchical(String operation) {
    if (!(kek instanceof BranchKeyHolder)) {
      throw new VaultConfigurationException(operation + "() needs a hierarchical key store"
          + " (KeyStore.hierarchical or moveToBranchKey); this one wraps its keysets directly with '" + kek.id()
          + "': rotate its KEK with rotateKek()");
    }
    return (BranchKeyHolder) kek;
  }

  private boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + tables.keyset() + " WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static VaultStorageException storage(VaultTables tables, String what, SQLException e) {
    return new VaultStorageException("Could not " + what + " " + tables.keyset() + ": " + e.getMessage()
        + " (create the table with the shipped changelog or VaultTables.install if it is missing)", e);
  }

  private VaultStorageException storage(String what, SQLException e) {
    return storage(tables, what, e);
  }

  @Override
  public String toString() {
    return "KeyStore{table=" + tables.keyset() + ", kek=" + kek.id() + "}";
  }
}
