package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.AttributeDecryptionException;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.hibernate.PlaintextPolicy;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.MalformedCiphertextException;
import dev.fieldvault.keys.UnknownKeyVersionException;
import dev.fieldvault.keys.ValueCodecException;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.hibernate.metamodel.mapping.EntityMappingType;
import org.hibernate.persister.entity.EntityPersister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime of one encrypted attribute: its model, its encryptor, the encryptor of its second-level
 * cache form and its plaintext-read counter.
 */
final class AttributeBinding {

  /**
   * Appended to the context's field name for the second-level cache form, so a cache entry and a
   * column value never decrypt in each other's place. A pinned context may not end with it.
   */
  static final String CACHE_FIELD_SUFFIX = "#l2cache";

  private static final Logger LOG = LoggerFactory.getLogger(AttributeBinding.class);

  final EncryptedAttribute model;
  final FieldEncryptor<Object> encryptor;
  /** Same keys and value codec as {@link #encryptor}, context field {@code field + CACHE_FIELD_SUFFIX}. */
  private final FieldEncryptor<Object> cacheEncryptor;
  final LongAdder plaintextReads = new LongAdder();
  /**
   * The key columns of the attribute's table as SQL (quoted as the dialect needs), in the order of the
   * entity's id columns: {@link EncryptedAttribute#idColumns()} as the plaintext migration writes them.
   */
  final List<String> keyColumnsSql;

  /**
   * Whether {@link #model} is listed by {@code HibernateVault.attributes()}: false for the abstract root of a
   * {@code TABLE_PER_CLASS} hierarchy, whose table does not exist (its rows are in its subclasses' tables).
   */
  final boolean listed;
  /**
   * {@code TABLE_PER_CLASS}: the binding of each concrete subclass table that holds its own copy of the
   * column, by the subclass's Hibernate entity name (same keys and context, its own model and counter).
   */
  private final Map<String, AttributeBinding> unionTables = new LinkedHashMap<>();

  AttributeBinding(EncryptedAttribute model, FieldEncryptor<Object> encryptor, FieldEncryptor<Object> cacheEncryptor,
      List<String> keyColumnsSql) {
    this(model, encryptor, cacheEncryptor, keyColumnsSql, true);
  }

  AttributeBinding(EncryptedAttribute model, FieldEncryptor<Object> encryptor, FieldEncryptor<Object> cacheEncryptor,
      List<String> keyColumnsSql, boolean listed) {
    this.model = model;
    this.encryptor = encryptor;
    this.cacheEncryptor = cacheEncryptor;
    this.keyColumnsSql = List.copyOf(keyColumnsSql);
    this.listed = listed;
  }

  /** Adds the binding of a {@code TABLE_PER_CLASS} subclass table (at start-up only): same keys, its own model. */
  void addUnionTable(String subclassEntityName, EncryptedAttribute tableModel, List<String> tableKeySql) {
    unionTables.put(subclassEntityName, new AttributeBinding(tableModel, encryptor, cacheEncryptor, tableKeySql));
  }

  /** The bindings of the {@code TABLE_PER_CLASS} subclass tables (empty for any other mapping). */
  Collection<AttributeBinding> unionTables() {
    return unionTables.values();
  }

  /**
   * The binding for the rows of an entity: the one of its own table when it is a {@code TABLE_PER_CLASS}
   * subclass (or of the nearest superclass with a table), else this one.
   */
  AttributeBinding forEntity(EntityPersister persister) {
    if (unionTables.isEmpty()) {
      return this;
    }
    for (EntityMappingType t = persister.getEntityMappingType(); t != null; t = t.getSuperMappingType()) {
      AttributeBinding b = unionTables.get(t.getEntityName());
      if (b != null) {
        return b;
      }
    }
    return this;
  }

  /** The second-level cache form of a non-null plaintext: a ciphertext bound to the attribute's cache context. */
  byte[] toCache(Object value) {
    return cacheEncryptor.encrypt(value);
  }

  /** The plaintext of a second-level cache entry written by {@link #toCache} (non-null). */
  Object fromCache(Object cached) {
    if (!(cached instanceof byte[]) || !CiphertextHeader.looksLikeCiphertext((byte[]) cached)) {
      throw new AttributeDecryptionException(model, new MalformedCiphertextException("the second-level cache"
          + " entry is not a FieldVault ciphertext (an entry written by a FieldVault version that cached"
          + " plaintext?): evict the entity's cache region"));
    }
    try {
      return cacheEncryptor.decrypt((byte[]) cached);
    } catch (DecryptionFailedException | KeyUnavailableException e) {
      throw new AttributeDecryptionException(model, e);
    }
  }

  boolean text() {
    return model.storage() == ColumnStorage.TEXT;
  }

  /** The column value (bytes or base64 text) of a non-null plaintext, for a tenant and row (either may be null). */
  Object encrypt(Object value, String tenant, Object rowId) {
    byte[] ct = encryptor.encrypt(value, tenant, rowId);
    return text() ? Base64.getEncoder().encodeToString(ct) : ct;
  }

  Object toColumn(byte[] ct) {
    return text() ? Base64.getEncoder().encodeToString(ct) : ct;
  }

  /**
   * The column values of a searched deterministic value under every readable key (primary first), from
   * what Hibernate bound for it: the column value under the primary key when the type converts values
   * itself, or the plaintext for tenant-bound attributes (encrypted in the type's {@code nullSafeSet}).
   */
  Object[] searchForms(Object bound, String tenant) {
    Object plaintext = bound;
    if (model.tenantColumn() == null && !model.rowBound()) {
      byte[] ct = bound instanceof String ? CiphertextHeader.decodeText((String) bound) : (byte[]) bound;
      plaintext = encryptor.decrypt(ct, tenant, null);
    }
    java.util.List<byte[]> all = encryptor.searchCiphertexts(plaintext, tenant);
    Object[] out = new Object[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = toColumn(all.get(i));
    }
    return out;
  }

  /**
   * The form of a searched deterministic value that a legacy plaintext equal to it has in the column,
   * from what Hibernate bound for it (as {@link #searchForms}), for a search while the attribute's
   * policy migrates plaintext. A form that has the form of a ciphertext ({@link CiphertextHeader#hasCiphertextForm},
   * the one plaintext rule) is never a legacy plaintext, since a stored value of that form is read as a
   * ciphertext: then the value's ciphertext under the primary key is returned instead (a placeholder that
   * repeats the first one, so that {@code in} and {@code not in} lists keep their meaning), and a search
   * with another row's stored ciphertext text finds nothing.
   */
  Object legacySearchForm(Object bound, String tenant) {
    Object plaintext = bound;
    if (model.tenantColumn() == null && !model.rowBound()) {
      byte[] ct = bound instanceof String ? CiphertextHeader.decodeText((String) bound) : (byte[]) bound;
      plaintext = encryptor.decrypt(ct, tenant, null);
    }
    Object form = encryptor.legacySearchForm(plaintext, model.storage());
    boolean ciphertextForm = form instanceof String ? CiphertextHeader.hasCiphertextFormText((String) form)
        : CiphertextHeader.hasCiphertextForm((byte[]) form);
    return ciphertextForm ? toColumn(encryptor.searchCiphertexts(plaintext, tenant).get(0)) : form;
  }

  /**
   * How many legacy text forms a searched value has ({@code FieldEncryptor.legacySearchFormCount}): the
   * plaintext arm's placeholders.
   */
  int legacyFormCount() {
    return encryptor.legacySearchFormCount();
  }

  /**
   * Every form a legacy plaintext equal to a searched value may have in the column
   * ({@code FieldEncryptor.legacySearchForms}, shared with the JDBC wrapper), {@link #legacyFormCount()} of
   * them: a form that has the form of a ciphertext is replaced by the value's ciphertext under the primary key.
   */
  Object[] legacySearchForms(Object bound, String tenant) {
    Object plaintext = bound;
    if (model.tenantColumn() == null && !model.rowBound()) {
      byte[] ct = bound instanceof String ? CiphertextHeader.decodeText((String) bound) : (byte[]) bound;
      plaintext = encryptor.decrypt(ct, tenant, null);
    }
    return encryptor.legacySearchForms(plaintext, tenant, model.storage()).toArray();
  }

  /** Whether the attribute's policy reads (and migrates) legacy plaintext values. */
  boolean migrating() {
    return model.plaintextPolicy() != PlaintextPolicy.CIPHERTEXT_ONLY;
  }

  /**
   * The plaintext of a stored column value (non-null). Under a migrating policy a value that does not
   * have the form of a FieldVault ciphertext ({@link CiphertextHeader#hasCiphertextForm}) is a legacy
   * plaintext: it is read as the attribute's type and counted, and {@code plaintextSeen} is set. A
   * value that has the form is decrypted whatever the policy, and its errors stay errors (a ciphertext
   * under keys this keyring does not hold is never taken for a plaintext, which would overwrite it).
   */
  Object decrypt(Object stored, String tenant, Object rowId, boolean[] plaintextSeen) {
    return decrypt(stored, tenant, rowId, plaintextSeen, rowId);
  }

  /** {@link #decrypt(Object, String, Object, boolean[])}, its errors naming the entity's id {@code id} (null: none). */
  Object decrypt(Object stored, String tenant, Object rowId, boolean[] plaintextSeen, Object id) {
    boolean ciphertext = stored instanceof String ? CiphertextHeader.hasCiphertextFormText((String) stored)
        : CiphertextHeader.hasCiphertextForm((byte[]) stored);
    if (!ciphertext) {
      if (migrating()) {
        plaintextReads.increment();
        if (plaintextSeen != null) {
          plaintextSeen[0] = true;
        }
        try {
          return LegacyPlaintext.parse(model.javaType(), stored);
        } catch (ValueCodecException e) {
          // typed, naming the attribute, column and (when known) row; the message never holds the value
          throw new AttributeDecryptionException(model, new ValueCodecException("a legacy plaintext value is not a"
              + " text form of " + model.javaType().getSimpleName() + " (" + e.getMessage() + "): fix or clear the"
              + " row's value, then load it again"), id);
        }
      }
      throw new AttributeDecryptionException(model, new MalformedCiphertextException("the stored value is not a"
          + " FieldVault ciphertext; if the column still holds plaintext rows, set the plaintext policy to"
          + " MIGRATE (@Encrypted(plaintext = ...) or the setting fieldvault.plaintext_policy)"), id);
    }
    byte[] ct = stored instanceof String ? CiphertextHeader.decodeText((String) stored) : (byte[]) stored;
    try {
      return encryptor.decrypt(ct, tenant, rowId);
    } catch (UnknownKeyVersionException e) {
      if (!migrating()) {
        throw new AttributeDecryptionException(model, e, id);
      }
      throw new AttributeDecryptionException(model, new UnknownKeyVersionException(e.keyId(), e.getMessage()
          + ". While plaintext is migrated, a value with the form of a ciphertext is read as one, never as a"
          + " plaintext, so that it is not overwritten: if it is a legacy plaintext that happens to look like a"
          + " ciphertext, store it again encrypted (an update query setting the attribute, or for a row-bound"
          + " attribute its ciphertext from HibernateVault.cipher())"), id);
    } catch (DecryptionFailedException | KeyUnavailableException e) {
      throw new AttributeDecryptionException(model, e, id);
    }
  }

  /** Logs a plaintext read of an entity's value under {@code MIGRATE_AND_LOG}: where, never the value. */
  void logPlaintextRead(Object rowId) {
    if (model.plaintextPolicy() == PlaintextPolicy.MIGRATE_AND_LOG) {
      LOG.warn("Read a plaintext value of {}.{} (column {}.{}, row {}): it is written encrypted when the session"
          + " flushes", model.entityName(), model.attributePath(), model.table(), model.column(), rowId);
    }
  }

  @Override
  public String toString() {
    return "AttributeBinding{" + model + "}";
  }
}
