package dev.fieldvault.keys;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.prf.Prf;
import dev.fieldvault.keys.internal.AssociatedData;
import dev.fieldvault.keys.internal.ClockCache;
import dev.fieldvault.keys.internal.Compression;
import dev.fieldvault.keys.internal.HeaderedAead;
import dev.fieldvault.keys.internal.TinkSetup;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one entry point to encrypt and decrypt field values: "encrypt these bytes for this context",
 * "decrypt them", and "compute the blind index of this value".
 *
 * <p>Every ciphertext carries its format version, mode, compression flag and key id in an
 * authenticated header (see {@link CiphertextHeader} and {@code docs/FORMAT.md}), and is bound to
 * its {@link EncryptionContext}. New values are written under each keyset's primary key; any
 * enabled key reads.
 *
 * <p>A cipher is thread-safe. Keys are unwrapped when the cipher is created or
 * {@linkplain #reload(Keyring) reloaded}, never per value. Most code uses a typed
 * {@link FieldEncryptor} from {@link #field(FieldSpec)}.
 */
public final class FieldCipher {

  /** Shortest blind index (bytes of PRF output). Shorter indexes match more unrelated values. */
  public static final int MIN_BLIND_INDEX_LENGTH = 4;
  /** Longest blind index (bytes of PRF output). */
  public static final int MAX_BLIND_INDEX_LENGTH = 32;
  static final byte BLIND_INDEX_VERSION = 0x01;
  /** Blind index overhead: a version byte and the 4-byte PRF key id. */
  public static final int BLIND_INDEX_HEADER = 5;

  private static final int NO_COMPRESSION = -1;

  private volatile Tables tables;
  private volatile CipherMetrics metrics;
  private final TenantKeyrings tenantKeyrings;
  /** How long a tenant's keyring is used before it is looked up again (0: until {@link #forgetTenant}). */
  private final long tenantRefreshNanos;
  /** The tenants whose unwrapped keys are kept, at most {@link #DEFAULT_MAX_TENANTS} or as configured. */
  private final ClockCache<String, TenantTables> tenantTables;

  /**
   * How many tenants' unwrapped keys a cipher keeps unless told otherwise: the least recently used
   * beyond it are dropped (and looked up again at their next use).
   */
  public static final int DEFAULT_MAX_TENANTS = 10_000;

  /**
   * The most fields (distinct domain and field names) whose per-tenant contexts are kept with each
   * tenant's keys; the contexts of further fields are built at each operation.
   */
  static final int MAX_FIELD_SLOTS = 256;
  /** The slot of each field's context without tenant (see {@link TenantTables#context}). */
  private final ConcurrentHashMap<EncryptionContext, Integer> fieldSlots = new ConcurrentHashMap<>();
  private final AtomicInteger nextFieldSlot = new AtomicInteger();

  /**
   * A tenant's unwrapped keys, when its keyring was last looked up ({@link System#nanoTime()}), and
   * the tenant's context of each field used so far (by field slot), so that a cache hit builds no context.
   */
  private static final class TenantTables extends Tables {
    private static final EncryptionContext[] NONE = new EncryptionContext[0];

    final long checkedAt;
    /** Copy-on-write under {@code this}; the contexts depend on the names only, never on the keys. */
    private volatile EncryptionContext[] contexts;

    /** The keys of {@code tables} (the same unwrapped primitives, not copies). */
    TenantTables(Tables tables, long checkedAt, EncryptionContext[] contexts) {
      super(tables);
      this.checkedAt = checkedAt;
      this.contexts = contexts;
    }

    /** The tenant's context of the field whose context without tenant is {@code base}, in slot {@code slot}. */
    EncryptionContext context(int slot, EncryptionContext base, String tenant) {
      EncryptionContext[] a = contexts;
      if (slot < a.length && a[slot] != null) {
        return a[slot];
      }
      EncryptionContext c = base.withTenant(tenant);
      c.associatedData(CiphertextHeader.headerByte(false, false)); // filled before it is shared
      c.associatedData(CiphertextHeader.headerByte(true, false));
      synchronized (this) {
        a = contexts;
        if (slot < a.length && a[slot] != null) {
          return a[slot];
        }
        EncryptionContext[] next = Arrays.copyOf(a, Math.max(a.length, slot + 1));
        next[slot] = c;
        contexts = next;
      }
      return c;
    }
  }

  private FieldCipher(Keyring keyring, TenantKeyrings tenantKeyrings, long tenantRefreshNanos, int maxTenants) {
    this.tables = new Tables(keyring);
    this.tenantKeyrings = tenantKeyrings;
    this.tenantRefreshNanos = tenantRefreshNanos;
    this.tenantTables = new ClockCache<>(maxTenants);
  }

  /**
   * The slot under which each cached tenant keeps its context of a field, for a field's context
   * without tenant or row ({@code base}); -1 when the cipher has no tenant keyrings or already has
   * {@link #MAX_FIELD_SLOTS} fields (their tenant contexts are then built per operation).
   */
  int fieldSlot(EncryptionContext base) {
    if (tenantKeyrings == null || base.tenant() != null || base.rowId() != null) {
      return -1;
    }
    return fieldSlots.computeIfAbsent(base, b -> {
      int slot = nextFieldSlot.getAndIncrement();
      return slot < MAX_FIELD_SLOTS ? slot : -1;
    });
  }

  /** A cipher over the keysets of a keyring. */
  public static FieldCipher create(Keyring keyring) {
    TinkSetup.ensureRegistered();
    return new FieldCipher(Objects.requireNonNull(keyring, "keyring"), null, 0, 1);
  }

  /**
   * A cipher with per-tenant keyrings: values whose context names a tenant use that tenant's keyring
   * (a tenant without one is refused with {@link KeyUnavailableException}); values without a tenant
   * use {@code defaultKeyring}. The unwrapped keys of at most {@link #DEFAULT_MAX_TENANTS} tenants
   * are kept (the least recently used beyond are dropped and looked up again when next used).
   */
  public static FieldCipher create(Keyring defaultKeyring, TenantKeyrings tenantKeyrings) {
    TinkSetup.ensureRegistered();
    return new FieldCipher(Objects.requireNonNull(defaultKeyring, "defaultKeyring"),
        Objects.requireNonNull(tenantKeyrings, "tenantKeyrings"), 0, DEFAULT_MAX_TENANTS);
  }

  /**
   * As {@link #create(Keyring, TenantKeyrings)}, using each tenant's keyring for at most
   * {@code refreshTenantsAfter} before asking {@code tenantKeyrings} again (at the tenant's next
   * operation, on the calling thread): a tenant whose keysets were deleted on another instance
   * (crypto-shredding) is refused with {@link KeyUnavailableException} by this one within that time,
   * and a tenant key promoted elsewhere is used within it. When the look-up returns the same
   * {@link Keyring} object as before (as {@code StoredTenantKeyrings} does while the stored keysets
   * are unchanged) the unwrapped keys are kept. A look-up that fails fails the operation that needed
   * it (the cached keys are not used past their time) and is tried again at the next one. The keys
   * of at most {@link #DEFAULT_MAX_TENANTS} tenants are kept.
   *
   * @param refreshTenantsAfter 1 ms to 1 day
   */
  public static FieldCipher create(Keyring defaultKeyring, TenantKeyrings tenantKeyrings,
      java.time.Duration refreshTenantsAfter) {
    return create(defaultKeyring, tenantKeyrings, refreshTenantsAfter, DEFAULT_MAX_TENANTS);
  }

  /**
   * As {@link #create(Keyring, TenantKeyrings, java.time.Duration)}, keeping the unwrapped keys of at
   * most {@code maxTenants} tenants: beyond, the least recently used (approximately: CLOCK) are dropped,
   * and a dropped tenant's next operation looks its keyring up again (a {@code StoredTenantKeyrings}
   * query and, unless it still holds the keyring, the KEK). Each kept tenant costs the heap of its
   * primitives (a few kilobytes; see BENCHMARKS.md), so size it to the tenants active within the
   * refresh interval, not to all tenants.
   *
   * @param refreshTenantsAfter 1 ms to 1 day
   * @param maxTenants 1 to 10,000,000
   */
  public static FieldCipher create(Keyring defaultKeyring, TenantKeyrings tenantKeyrings,
      java.time.Duration refreshTenantsAfter, int maxTenants) {
    Objects.requireNonNull(refreshTenantsAfter, "refreshTenantsAfter");
    if (maxTenants < 1 || maxTenants > 10_000_000) {
      throw new VaultConfigurationException("The number of tenants whose keys a cipher keeps must be between 1 and"
          + " 10,000,000, not " + maxTenants);
    }
    if (refreshTenantsAfter.compareTo(java.time.Duration.ofMillis(1)) < 0
        || refreshTenantsAfter.compareTo(java.time.Duration.ofDays(1)) > 0) {
      throw new VaultConfigurationException("The tenant keyring refresh interval must be between 1 ms and 1 day, not "
          + refreshTenantsAfter);
    }
    TinkSetup.ensureRegistered();
    return new FieldCipher(Objects.requireNonNull(defaultKeyring, "defaultKeyring"),
        Objects.requireNonNull(tenantKeyrings, "tenantKeyrings"), refreshTenantsAfter.toNanos(), maxTenants);
  }

  /**
   * Drops a tenant's cached keys: the next operation for the tenant asks {@link TenantKeyrings} again.
   * Call it after changing or deleting a tenant's keysets.
   */
  public void forgetTenant(String tenant) {
    tenantTables.remove(tenant);
  }

  private Tables tablesFor(EncryptionContext context) {
    String tenant = context.tenant();
    if (tenantKeyrings == null || tenant == null) {
      return tables;
    }
    return tenantTables(tenant);
  }

  /** The tenant's cached keys, looked up when not cached or older than the refresh interval. */
  private TenantTables tenantTables(String tenant) {
    return tenantTables(tenant, tenantRefreshNanos == 0 ? 0 : System.nanoTime());
  }

  /**
   * As {@link #tenantTables(String)}, {@code now} being {@link System#nanoTime()} read at the start of
   * the operation (an operation with metrics has read it already: the clock is read once).
   */
  private TenantTables tenantTables(String tenant, long now) {
    TenantTables t = tenantTables.get(tenant);
    if (t != null && (tenantRefreshNanos == 0 || now - t.checkedAt < tenantRefreshNanos)) {
      return t;
    }
    // first use, or used longer than the refresh interval: ask the tenant keyrings (once, whatever the threads)
    t = tenantTables.compute(tenant, (name, current) -> {
      if (current != null && fresh(current)) {
        return current; // refreshed by another thread meanwhile
      }
      Keyring keyring = tenantKeyrings.keyringFor(name).orElse(null);
      if (keyring == null) {
        return null; // forgotten: its data is unreadable from now on
      }
      Tables tables = current != null && current.keyring == keyring ? current : new Tables(keyring);
      return new TenantTables(tables, System.nanoTime(), current == null ? TenantTables.NONE : current.contexts);
    });
    if (t == null) {
      throw new KeyUnavailableException("Tenant '" + tenant + "' has no keyring: it was"
          + " never provisioned, or its keys were deleted (its data is then unreadable by design);"
          + " provision a keyring for the tenant before writing its data");
    }
    return t;
  }

  /** How many tenants' keys are cached now (tests). */
  int cachedTenants() {
    return tenantTables.size();
  }

  private boolean fresh(TenantTables t) {
    return tenantRefreshNanos == 0 || System.nanoTime() - t.checkedAt < tenantRefreshNanos;
  }

  /** The keyring in use. */
  public Keyring keyring() {
    return tables.keyring;
  }

  /**
   * Atomically switches to a changed keyring (a promoted or added key): operations already running
   * finish with the old one, later ones use the new one.
   */
  public void reload(Keyring keyring) {
    this.tables = new Tables(Objects.requireNonNull(keyring, "keyring"));
  }

  /**
   * Reports every encryption and decryption of this cipher (mode and duration) and every failed
   * decryption (its reason) to {@code metrics}; {@code null} stops reporting. The observer sees no
   * value, context or key material (see {@link CipherMetrics}).
   */
  public void setMetrics(CipherMetrics metrics) {
    this.metrics = metrics;
  }

  /** A typed encryptor for one field; validates the spec against the keyring now. */
  public <T> FieldEncryptor<T> field(FieldSpec<T> spec) {
    Tables t = tables;
    if (spec.mode() == EncryptionMode.RANDOMIZED && t.aead == null) {
      throw new VaultConfigurationException("Field " + spec.describe() + " is randomized but the keyring"
          + " has no AEAD keyset: add one to the keyring");
    }
    if (spec.mode() == EncryptionMode.DETERMINISTIC && t.daead == null) {
      throw new VaultConfigurationException("Field " + spec.describe() + " is deterministic but the keyring"
          + " has no deterministic AEAD keyset: add one to the keyring");
    }
    if (spec.blindIndexLength() > 0 && t.prf == null) {
      throw new VaultConfigurationException("Field " + spec.describe() + " has a blind index but the"
          + " keyring has no PRF keyset: add one to the keyring");
    }
    return new FieldEncryptor<>(this, spec);
  }

  // ---------------------------------------------------------------------------------------------
  // Encryption

  /** Encrypts {@code plaintext} for {@code context} under the primary key of the mode's keyset. */
  public byte[] encrypt(byte[] plaintext, EncryptionContext context, EncryptionMode mode) {
    return encrypt(plaintext, context, mode, NO_COMPRESSION);
  }

  /**
   * As {@link #encrypt(byte[], EncryptionContext, EncryptionMode)}, compressing plaintexts of at
   * least {@code compressAbove} bytes when that makes them smaller (negative: never). Compression
   * makes the ciphertext length depend on the content: do not use it where an attacker can mix
   * chosen text with a secret in one value.
   */
  public byte[] encrypt(byte[] plaintext, EncryptionContext context, EncryptionMode mode, int compressAbove) {
    CipherMetrics m = metrics;
    if (m == null) {
      return encryptUnobserved(plaintext, context, null, mode, compressAbove);
    }
    long start = System.nanoTime();
    byte[] out = encryptUnobserved(plaintext, context, null, mode, compressAbove);
    m.encrypted(mode, System.nanoTime() - start);
    return out;
  }

  /**
   * As {@link #encrypt(byte[], EncryptionContext, EncryptionMode, int)} for {@code tenant}'s value of
   * a field that is not row-bound, whose context without tenant is {@code base} in field slot
   * {@code slot} ({@link #fieldSlot}): one look-up finds the tenant's keys and its context.
   */
  byte[] encrypt(byte[] plaintext, EncryptionContext base, int slot, String tenant, EncryptionMode mode,
      int compressAbove) {
    CipherMetrics m = metrics;
    long start = m == null ? 0 : System.nanoTime();
    TenantTables t = m == null ? tenantTables(tenant) : tenantTables(tenant, start);
    byte[] out = encryptUnobserved(plaintext, t.context(slot, base, tenant), t, mode, compressAbove);
    if (m != null) {
      m.encrypted(mode, System.nanoTime() - start);
    }
    return out;
  }

  /** @param tables the keys to use, or null for those of the context's tenant (or the default ones) */
  private byte[] encryptUnobserved(byte[] plaintext, EncryptionContext context, Tables tables, EncryptionMode mode,
      int compressAbove) {
    Objects.requireNonNull(plaintext, "plaintext");
    boolean deterministic = mode == EncryptionMode.DETERMINISTIC;
    if (deterministic && context.rowId() != null) {
      throw new VaultConfigurationException("A deterministic value cannot be row-bound (" + context.describe()
          + "): equal values must encrypt equally across rows");
    }
    byte[] body = maybeCompress(plaintext, compressAbove);
    byte header = CiphertextHeader.headerByte(deterministic, body != plaintext);
    byte[] ad = context.associatedData(header);
    Tables t = tables != null ? tables : tablesFor(context);
    try {
      if (!deterministic) {
        return t.aead().primary.encrypt(header, body, ad);
      }
      byte[] tink = t.daead().primary.encryptDeterministically(body, ad);
      byte[] out = new byte[tink.length + 1];
      out[0] = header;
      System.arraycopy(tink, 0, out, 1, tink.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new FieldVaultException("Encryption failed for " + context.describe() + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Decrypts a ciphertext written for {@code context}, in whatever mode its header says.
   *
   * @throws MalformedCiphertextException if the value is not a FieldVault ciphertext
   * @throws KeyUnavailableException if its key is unknown, disabled, destroyed or below the minimum
   * @throws DecryptionFailedException if it was modified or belongs to another context
   */
  public byte[] decrypt(byte[] ciphertext, EncryptionContext context) {
    CipherMetrics m = metrics;
    if (m == null) {
      CiphertextHeader h = CiphertextHeader.parse(ciphertext);
      return decryptUnobserved(ciphertext, h, context, tablesFor(context));
    }
    long start = System.nanoTime();
    CiphertextHeader h;
    byte[] out;
    try {
      h = CiphertextHeader.parse(ciphertext);
      out = decryptUnobserved(ciphertext, h, context, tablesFor(context));
    } catch (FieldVaultException e) {
      m.decryptionFailed(CipherMetrics.reasonOf(e));
      throw e;
    }
    m.decrypted(h.mode(), System.nanoTime() - start);
    return out;
  }

  private byte[] decryptUnobserved(byte[] ciphertext, CiphertextHeader h, EncryptionContext context, Tables t) {
    byte[] ad = context.associatedData(ciphertext[0]);
    byte[] body;
    try {
      body = h.mode() == EncryptionMode.DETERMINISTIC
          ? t.daead().forKeyId(h.keyId()).decryptDeterministically(
              java.util.Arrays.copyOfRange(ciphertext, 1, ciphertext.length), ad)
          : t.aead().forKeyId(h.keyId()).decrypt(ciphertext, ad);
    } catch (GeneralSecurityException e) {
      throw new DecryptionFailedException("Decryption failed for " + context.describe() + " (" + h.mode()
          + ", key id " + Integer.toUnsignedString(h.keyId()) + "): the stored value was modified, copied from"
          + " another field, row or tenant, or written under another context name");
    }
    if (!h.compressed()) {
      return body;
    }
    try {
      return Compression.decompress(body);
    } catch (IllegalArgumentException e) {
      throw new MalformedCiphertextException("The compressed payload for " + context.describe()
          + " is invalid although it authenticated: it was written by a faulty encoder");
    }
  }

  /** As {@link #decrypt(byte[], EncryptionContext)}, also requiring the header's mode to be {@code expected}. */
  public byte[] decrypt(byte[] ciphertext, EncryptionContext context, EncryptionMode expected) {
    parseExpecting(ciphertext, expected, context, null);
    return decrypt(ciphertext, context);
  }

  /**
   * As {@link #decrypt(byte[], EncryptionContext, EncryptionMode)} for {@code tenant}'s value of a field
   * that is not row-bound, whose context without tenant is {@code base} in field slot {@code slot}.
   */
  byte[] decrypt(byte[] ciphertext, EncryptionContext base, int slot, String tenant, EncryptionMode expected) {
    CiphertextHeader h = parseExpecting(ciphertext, expected, base, tenant);
    CipherMetrics m = metrics;
    if (m == null) {
      TenantTables t = tenantTables(tenant);
      return decryptUnobserved(ciphertext, h, t.context(slot, base, tenant), t);
    }
    long start = System.nanoTime();
    byte[] out;
    try {
      TenantTables t = tenantTables(tenant, start);
      out = decryptUnobserved(ciphertext, h, t.context(slot, base, tenant), t);
    } catch (FieldVaultException e) {
      m.decryptionFailed(CipherMetrics.reasonOf(e));
      throw e;
    }
    m.decrypted(h.mode(), System.nanoTime() - start);
    return out;
  }

  /**
   * The header of a ciphertext whose mode must be {@code expected}, reporting a failure to the metrics.
   *
   * @param context the value's context, or its field's context without tenant when {@code tenant} is given
   */
  private CiphertextHeader parseExpecting(byte[] ciphertext, EncryptionMode expected, EncryptionContext context,
      String tenant) {
    CiphertextHeader h;
    try {
      h = CiphertextHeader.parse(ciphertext);
    } catch (MalformedCiphertextException e) {
      CipherMetrics m = metrics;
      if (m != null) {
        m.decryptionFailed(CipherMetrics.Failure.MALFORMED);
      }
      throw e;
    }
    if (h.mode() != expected) {
      CipherMetrics m = metrics;
      if (m != null) {
        m.decryptionFailed(CipherMetrics.Failure.TAMPERED);
      }
      EncryptionContext c = tenant == null ? context : context.withTenant(tenant);
      throw new DecryptionFailedException("The stored value for " + c.describe() + " is " + h.mode()
          + " but the field is configured " + expected + ": rewrap the column after changing a field's mode");
    }
    return h;
  }

  /**
   * The deterministic ciphertexts of {@code plaintext} under every readable key of the deterministic
   * keyset, the primary's first: a query that matches any of them finds rows written before and
   * after a key rotation.
   */
  public List<byte[]> searchCiphertexts(byte[] plaintext, EncryptionContext context, int compressAbove) {
    Tables t = tablesFor(context);
    KeyTable<DeterministicAead> table = t.daead();
    List<byte[]> out = new ArrayList<>(table.readableCount());
    out.add(encrypt(plaintext, context, EncryptionMode.DETERMINISTIC, compressAbove));
    if (table.readableCount() == 1) {
      return out;
    }
    byte[] body = maybeCompress(plaintext, compressAbove);
    byte header = CiphertextHeader.headerByte(true, body != plaintext);
    byte[] ad = context.associatedData(header);
    for (int i = 0; i < table.readableCount(); i++) {
      if (table.readableIdAt(i) == table.primaryId) {
        continue;
      }
      try {
        byte[] tink = table.readableAt(i).encryptDeterministically(body, ad);
        byte[] ct = new byte[tink.length + 1];
        ct[0] = header;
        System.arraycopy(tink, 0, ct, 1, tink.length);
        out.add(ct);
      } catch (GeneralSecurityException e) {
        throw new FieldVaultException("Encryption failed for " + context.describe(), e);
      }
    }
    return out;
  }

  /** The compressed plaintext when compression applies and helps, else {@code plaintext} itself. */
  private static byte[] maybeCompress(byte[] plaintext, int compressAbove) {
    if (compressAbove < 0 || plaintext.length < compressAbove) {
      return plaintext;
    }
    byte[] c = Compression.compressIfSmaller(plaintext);
    return c == null ? plaintext : c;
  }

  // ---------------------------------------------------------------------------------------------
  // Blind indexes

  /**
   * The blind index of an already normalised value: {@code 0x01 || prf key id || PRF(input)[0..length)}
   * under the PRF keyset's primary key. The context must not be row-bound.
   */
  public byte[] blindIndex(byte[] normalized, EncryptionContext context, int length) {
    KeyTable<Prf> table = tablesFor(context).prf();
    return blindIndex(table.primary, table.primaryId, normalized, context, length);
  }

  /**
   * As {@link #blindIndex(byte[], EncryptionContext, int)} for {@code tenant}'s value of a field whose
   * context without tenant is {@code base} in field slot {@code slot}.
   */
  byte[] blindIndex(byte[] normalized, EncryptionContext base, int slot, String tenant, int length) {
    TenantTables t = tenantTables(tenant);
    KeyTable<Prf> table = t.prf();
    return blindIndex(table.primary, table.primaryId, normalized, t.context(slot, base, tenant), length);
  }

  /** The blind indexes of a value under every readable PRF key, the primary's first. */
  public List<byte[]> blindIndexesForSearch(byte[] normalized, EncryptionContext context, int length) {
    KeyTable<Prf> table = tablesFor(context).prf();
    List<byte[]> out = new ArrayList<>(table.readableCount());
    out.add(blindIndex(table.primary, table.primaryId, normalized, context, length));
    for (int i = 0; i < table.readableCount(); i++) {
      if (table.readableIdAt(i) != table.primaryId) {
        out.add(blindIndex(table.readableAt(i), table.readableIdAt(i), normalized, context, length));
      }
    }
    return out;
  }

  /** The PRF key id a blind index was computed with. */
  public static int blindIndexKeyId(byte[] blindIndex) {
    if (blindIndex == null || blindIndex.length < BLIND_INDEX_HEADER + MIN_BLIND_INDEX_LENGTH
        || blindIndex[0] != BLIND_INDEX_VERSION) {
      throw new MalformedCiphertextException("Not a FieldVault blind index");
    }
    return AssociatedData.readInt(blindIndex, 1);
  }

  private static byte[] blindIndex(Prf prf, int keyId, byte[] normalized, EncryptionContext context, int length) {
    if (length < MIN_BLIND_INDEX_LENGTH || length > MAX_BLIND_INDEX_LENGTH) {
      throw new VaultConfigurationException("A blind index length must be " + MIN_BLIND_INDEX_LENGTH + " to "
          + MAX_BLIND_INDEX_LENGTH + " bytes, not " + length);
    }
    if (context.rowId() != null) {
      throw new VaultConfigurationException("A blind index cannot be row-bound (" + context.describe() + ")");
    }
    try {
      byte[] mac = prf.compute(AssociatedData.blindIndexInput(context.encoded(), normalized), length);
      byte[] out = new byte[BLIND_INDEX_HEADER + length];
      out[0] = BLIND_INDEX_VERSION;
      AssociatedData.writeInt(out, 1, keyId);
      System.arraycopy(mac, 0, out, BLIND_INDEX_HEADER, length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new FieldVaultException("Blind index computation failed for " + context.describe(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rotation support

  /**
   * Whether a ciphertext is under the current primary key of its mode's keyset (read from the header
   * only), for values without a tenant or when there are no tenant keyrings.
   */
  public boolean isOnPrimaryKey(byte[] ciphertext) {
    return isOnPrimaryKey(ciphertext, null);
  }

  /** As {@link #isOnPrimaryKey(byte[])}, with the keyring of {@code context}'s tenant (null: default). */
  public boolean isOnPrimaryKey(byte[] ciphertext, EncryptionContext context) {
    CiphertextHeader h = CiphertextHeader.parse(ciphertext);
    Tables t = context == null ? tables : tablesFor(context);
    KeyTable<?> table = h.mode() == EncryptionMode.DETERMINISTIC ? t.daead : t.aead;
    return table != null && table.primaryId == h.keyId();
  }

  /** Whether a blind index is under the current primary PRF key of the default keyring. */
  public boolean isBlindIndexOnPrimaryKey(byte[] blindIndex) {
    return isBlindIndexOnPrimaryKey(blindIndex, null);
  }

  /** As {@link #isBlindIndexOnPrimaryKey(byte[])}, with the keyring of {@code context}'s tenant (null: default). */
  public boolean isBlindIndexOnPrimaryKey(byte[] blindIndex, EncryptionContext context) {
    Tables t = context == null ? tables : tablesFor(context);
    return t.prf != null && t.prf.primaryId == blindIndexKeyId(blindIndex);
  }

  /** How many keys of a purpose can decrypt (or, for PRF, compute search indexes) in the default keyring. */
  public int readableKeyCount(KeyPurpose purpose) {
    Tables t = tables;
    KeyTable<?> table = purpose == KeyPurpose.AEAD ? t.aead : purpose == KeyPurpose.DETERMINISTIC_AEAD ? t.daead : t.prf;
    return table == null ? 0 : table.readableCount();
  }

  /**
   * Re-encrypts a ciphertext under the primary key of its mode, in the same context, keeping its
   * compression; returns the same array when it is already on the primary key.
   */
  public byte[] rewrap(byte[] ciphertext, EncryptionContext context) {
    if (isOnPrimaryKey(ciphertext, context)) {
      return ciphertext;
    }
    CiphertextHeader h = CiphertextHeader.parse(ciphertext);
    byte[] plain = decrypt(ciphertext, context);
    return encrypt(plain, context, h.mode(), h.compressed() ? 0 : NO_COMPRESSION);
  }

  // ---------------------------------------------------------------------------------------------

  private static class Tables {
    final Keyring keyring;
    final KeyTable<HeaderedAead> aead;
    final KeyTable<DeterministicAead> daead;
    final KeyTable<Prf> prf;

    Tables(Keyring keyring) {
      this.keyring = keyring;
      this.aead = keyring.aead().map(KeyTable::aead).orElse(null);
      this.daead = keyring.deterministic().map(KeyTable::deterministic).orElse(null);
      this.prf = keyring.prf().map(KeyTable::prf).orElse(null);
    }

    /** The same keys as {@code other}. */
    Tables(Tables other) {
      this.keyring = other.keyring;
      this.aead = other.aead;
      this.daead = other.daead;
      this.prf = other.prf;
    }

    KeyTable<HeaderedAead> aead() {
      if (aead == null) {
        throw new VaultConfigurationException("The keyring has no AEAD keyset for randomized values");
      }
      return aead;
    }

    KeyTable<DeterministicAead> daead() {
      if (daead == null) {
        throw new VaultConfigurationException("The keyring has no deterministic AEAD keyset");
      }
      return daead;
    }

    KeyTable<Prf> prf() {
      if (prf == null) {
        throw new VaultConfigurationException("The keyring has no PRF keyset for blind indexes");
      }
      return prf;
    }
  }

  @Override
  public String toString() {
    return "FieldCipher{" + tables.keyring + "}";
  }
}
