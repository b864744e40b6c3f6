package dev.fieldvault.hibernate.internal;

import dev.fieldvault.keys.VaultConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.SessionEventListener;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.EventSource;
import org.hibernate.metamodel.mapping.EntityMappingType;
import org.hibernate.metamodel.mapping.ModelPart;
import org.hibernate.metamodel.mapping.SelectableMapping;
import org.hibernate.metamodel.mapping.TableDetails;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.persister.entity.UnionSubclassEntityPersister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plaintext migration of a migrating policy: the legacy plaintext values a session loaded into its
 * entities are written encrypted when the session flushes, each by its own compare-and-set
 * {@code update t set col = :ciphertext[, col_bidx = :index] where id = :id and col = :valueAsRead}.
 *
 * <ul>
 *   <li>Only the exact plaintext that was read is replaced: a row the application (or anything else)
 *       changed since the load is left as it is, whether or not the entity has a {@code @Version} (the
 *       statement compares the value itself, exactly: on MariaDB with a binary collation, so a change of
 *       case or trailing spaces counts as a change). A change not committed yet is waited for and then
 *       seen, as by any update; under PostgreSQL's {@code REPEATABLE READ} the flush fails with a
 *       serialization error instead, as any update of that row would.
 *   <li>Nothing else of the row is written: not the other columns, not the version (the entity is not
 *       made dirty, so no entity update is caused by the migration); the blind index of an attribute
 *       that has one is filled from the plaintext in the same statement.
 *   <li>What a session loaded is kept, by entity id, until it flushes (explicitly or at commit), however
 *       many rows it loads; {@code Session.clear()} does not drop it. A session that never flushes (a
 *       read-only transaction, {@code FlushMode.MANUAL}) migrates nothing.
 *   <li>A write that fails (a column too narrow for the ciphertext, say) fails the flush with Hibernate's
 *       {@code JDBCException}, naming the attribute and never a value; the transaction rolls back and the
 *       stored values stay as they were.
 * </ul>
 */
final class PlaintextMigrations {

  private static final Logger LOG = LoggerFactory.getLogger(PlaintextMigrations.class);
  private static final int BATCH = 500;

  /** One plaintext value loaded into an entity, to be written encrypted. */
  static final class Pending {
    final AttributeBinding binding;
    final EntityPersister persister;
    final Object id;
    final Object plaintext;
    /** The column value as read: its text ({@code String}) or bytes. */
    final Object stored;
    final String tenant;

    Pending(AttributeBinding binding, EntityPersister persister, Object id, Object plaintext, Object stored,
        String tenant) {
      this.binding = binding;
      this.persister = persister;
      this.id = id;
      this.plaintext = plaintext;
      this.stored = stored;
      this.tenant = tenant;
    }

    @Override
    public String toString() {
      return "Pending{" + binding.model.entityName() + "." + binding.model.attributePath() + "}";
    }
  }

  /** Where one attribute's values are written: its compare-and-set statement. */
  private static final class Target {
    final String sql;
    final String describe;
    final boolean blindIndex;
    final int keyColumns;

    Target(String sql, String describe, boolean blindIndex, int keyColumns) {
      this.sql = sql;
      this.describe = describe;
      this.blindIndex = blindIndex;
      this.keyColumns = keyColumns;
    }
  }

  /** A session, compared by identity. */
  private static final class SessionKey {
    final SharedSessionContractImplementor session;

    SessionKey(SharedSessionContractImplementor session) {
      this.session = session;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SessionKey && ((SessionKey) o).session == session;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(session);
    }
  }

  /** Forgets a session's pending values when it closes without flushing them. */
  private static final class Forget implements SessionEventListener {
    private static final long serialVersionUID = 1L;
    private final transient SessionKey key;

    Forget(SessionKey key) {
      this.key = key;
    }

    @Override
    public void end() {
      if (key != null) {
        PENDING.remove(key);
      }
    }
  }

  private static final Map<SessionKey, List<Pending>> PENDING = new ConcurrentHashMap<>();

  /** Compare-and-set statements by persister and attribute. */
  private final Map<List<Object>, Target> targets = new ConcurrentHashMap<>();
  private volatile Boolean mariaDb;

  /** Remembers a plaintext value a session loaded, to write it encrypted at the session's next flush. */
  static void add(SharedSessionContractImplementor session, Pending pending) {
    SessionKey key = new SessionKey(session);
    List<Pending> list = PENDING.get(key);
    if (list == null) {
      list = new ArrayList<>();
      PENDING.put(key, list);
      session.getEventListenerManager().addListener(new Forget(key));
    }
    list.add(pending);
  }

  /** Writes what the session loaded as plaintext, at its flush (after Hibernate's own statements). */
  void flush(EventSource session) {
    MigrationTracker.clear();
    if (PENDING.isEmpty()) {
      return;
    }
    List<Pending> list = PENDING.remove(new SessionKey(session));
    if (list == null || list.isEmpty()) {
      return;
    }
    session.doWork(connection -> {
      boolean exactText = mariaDb(connection);
      Map<Target, List<Pending>> byTarget = new LinkedHashMap<>();
      for (Pending p : list) {
        Target t = targets.computeIfAbsent(List.of(p.persister, p.binding), k -> resolve(p.persister, p.binding,
            exactText));
        byTarget.computeIfAbsent(t, x -> new ArrayList<>()).add(p);
      }
      long written = 0;
      long changed = 0;
      for (Map.Entry<Target, List<Pending>> e : byTarget.entrySet()) {
        long[] counts = write(connection, session, e.getKey(), e.getValue());
        written += counts[0];
        changed += counts[1];
      }
      LOG.debug("FieldVault wrote {} plaintext values encrypted; {} were changed since they were read and are"
          + " left as they are", written, changed);
    });
  }

  /** Whether the database is MariaDB, whose usual collations ignore case and trailing spaces. */
  private boolean mariaDb(Connection connection) throws SQLException {
    Boolean m = mariaDb;
    if (m == null) {
      m = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("mariadb");
      mariaDb = m;
    }
    return m;
  }

  /** Writes one attribute's values in batches; returns {written, left because changed}. */
  private long[] write(Connection connection, EventSource session, Target target, List<Pending> values) {
    sortById(values);
    String sql = target.sql;
    long written = 0;
    long changed = 0;
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int from = 0; from < values.size(); from += BATCH) {
        List<Pending> part = values.subList(from, Math.min(values.size(), from + BATCH));
        for (Pending p : part) {
          bind(ps, session, target, p);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int n : counts) {
          if (n > 0) {
            written += n;
          } else if (n == 0) {
            changed++;
          } else if (n == Statement.SUCCESS_NO_INFO) {
            written++;
          }
        }
      }
    } catch (SQLException e) {
      throw session.getJdbcServices().getSqlExceptionHelper().convert(e, "FieldVault could not write the encrypted"
          + " form of the plaintext values of " + target.describe + " that this session loaded (nothing was"
          + " changed: fix the cause, such as a column too narrow for the ciphertext, then load the rows again)",
          sql);
    }
    return new long[] {written, changed};
  }

  private static void bind(PreparedStatement ps, EventSource session, Target target, Pending p) throws SQLException {
    AttributeBinding b = p.binding;
    int i = 1;
    setStored(ps, i++, b.encrypt(p.plaintext, p.tenant, b.model.rowBound() ? p.id : null));
    if (target.blindIndex) {
      ps.setBytes(i++, b.encryptor.blindIndex(p.plaintext, p.tenant));
    }
    p.persister.getIdentifierType().nullSafeSet(ps, p.id, i, session);
    i += target.keyColumns;
    setStored(ps, i, p.stored);
  }

  private static void setStored(PreparedStatement ps, int index, Object stored) throws SQLException {
    if (stored instanceof String) {
      ps.setString(index, (String) stored);
    } else {
      ps.setBytes(index, (byte[]) stored);
    }
  }

  /** Sorts by id where ids compare, so that sessions migrating the same rows lock them in one order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void sortById(List<Pending> values) {
    Object first = values.get(0).id;
    if (!(first instanceof Comparable)) {
      return;
    }
    for (Pending p : values) {
      if (p.id == null || p.id.getClass() != first.getClass()) {
        return;
      }
    }
    values.sort(Comparator.comparing(p -> (Comparable) p.id));
  }

  /**
   * The compare-and-set statement of an attribute of an entity: its column in the table that holds it,
   * that table's key columns (an inheritance's own table, the root's, or a secondary table's join columns),
   * and the blind index.
   */
  private static Target resolve(EntityPersister persister, AttributeBinding b, boolean mariaDb) {
    String name = b.model.entityName() + "." + b.model.attributePath();
    SelectableMapping column = selectable(persister, b.model.attributePath(), name);
    String declared = column.getContainingTableExpression();
    String table = declared;
    List<String> keys = keyColumns(persister.getEntityMappingType(), table);
    TableDetails own = persister.getEntityMappingType().getMappedTableDetails();
    if (persister instanceof UnionSubclassEntityPersister && keys != null && own != null) {
      // TABLE_PER_CLASS: the entity's rows, with their own copy of the column, are in its own table
      table = own.getTableName();
      keys = names(own);
    }
    if (keys == null) {
      // a secondary table: keyed by its join columns, taken from the boot model (they hold the entity's id)
      keys = b.keyColumnsSql;
    }
    if (keys.isEmpty()) {
      throw new VaultConfigurationException("FieldVault cannot migrate the plaintext values of " + name + ": the"
          + " mapping gives no key column of its table " + table + ": migrate that column with the migration job"
          + " (declared with EncryptedTable.builder(...).primaryKey(...)), then give the attribute the policy"
          + " CIPHERTEXT_ONLY");
    }
    String bidx = null;
    if (b.model.blindIndexAttribute() != null) {
      SelectableMapping index = selectable(persister, b.model.blindIndexAttribute(), name);
      if (!declared.equals(index.getContainingTableExpression())) {
        throw new VaultConfigurationException("FieldVault cannot migrate the plaintext values of " + name + ": its"
            + " blind index " + b.model.blindIndexAttribute() + " is in another table than the attribute");
      }
      bidx = index.getSelectionExpression();
    }
    String col = column.getSelectionExpression();
    // MariaDB's usual collations ignore case and trailing spaces: compare the value as read exactly
    String asRead = b.text() && mariaDb ? "convert(? using utf8mb4) collate utf8mb4_nopad_bin" : "?";
    String sql = "update " + table + " set " + col + " = ?" + (bidx == null ? "" : ", " + bidx + " = ?")
        + " where " + String.join(" = ? and ", keys) + " = ? and " + col + " = " + asRead;
    return new Target(sql, name + " (column " + table + "." + col + ")", bidx != null, keys.size());
  }

  private static SelectableMapping selectable(EntityPersister persister, String path, String name) {
    ModelPart part;
    try {
      part = persister.findByPath(path);
    } catch (RuntimeException e) {
      part = null;
    }
    if (!(part instanceof SelectableMapping) || ((SelectableMapping) part).isFormula()) {
      throw new VaultConfigurationException("FieldVault cannot migrate the plaintext values of " + name + ": "
          + path + " is not a column of entity " + persister.getEntityName());
    }
    return (SelectableMapping) part;
  }

  /** The key columns of one of the tables of an entity's hierarchy, or null if none is that table. */
  private static List<String> keyColumns(EntityMappingType entity, String table) {
    for (EntityMappingType t = entity; t != null; t = t.getSuperMappingType()) {
      TableDetails d = t.getMappedTableDetails();
      if (d != null && table.equals(d.getTableName())) {
        return names(d);
      }
    }
    TableDetails id = entity.getIdentifierTableDetails();
    return id != null && table.equals(id.getTableName()) ? names(id) : null;
  }

  private static List<String> names(TableDetails table) {
    List<String> out = new ArrayList<>();
    for (TableDetails.KeyColumn k : table.getKeyDetails().getKeyColumns()) {
      out.add(Objects.requireNonNull(k.getColumnName(), "key column"));
    }
    return out;
  }
}
