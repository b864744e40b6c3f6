package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.PreEncrypted;
import dev.fieldvault.jdbc.StatementRefusedException;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.MalformedCiphertextException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A prepared statement whose parameters bound to encrypted columns are held back, and encrypted
 * (for their row, when row-bound) just before the statement runs or joins a batch. Other
 * parameters go straight to the driver.
 *
 * <p>A statement that searches encrypted columns runs as its {@link SearchExpansion} for the number
 * of readable keys when it was prepared: each searched parameter takes that many values (the
 * search values of fewer keys are repeated), and the application's parameter indexes are mapped to
 * the driver's. When more keys have become readable by the time it runs, the driver's statement is
 * prepared again with more values, and the parameters (and rows of a pending batch) are bound again.
 */
final class EncryptingPreparedStatement extends DelegatingPreparedStatement {

  /** Prepares the driver's statement for an SQL text, with the options the application chose. */
  @FunctionalInterface
  interface Preparer {
    PreparedStatement prepare(String sql) throws SQLException;
  }

  private static final Object UNSET = new Object();

  private final Connection connection;
  private final JdbcEncryption encryption;
  private final StatementPlan plan;
  private final Object[] values;
  // Only for a statement that searches (plan.search != null):
  private final Preparer preparer;
  private SearchExpansion.Expanded expanded;
  /** The setter calls of the parameters that are not held back, by index, to bind them again. */
  private ParameterBinder[] others;
  /** The rows of the pending batch, to add them again to a statement prepared again. */
  private final List<Object[][]> batch;

  EncryptingPreparedStatement(PreparedStatement delegate, Connection connection, JdbcEncryption encryption,
      StatementPlan plan) {
    this(delegate, connection, encryption, plan, null, null);
  }

  private EncryptingPreparedStatement(PreparedStatement delegate, Connection connection, JdbcEncryption encryption,
      StatementPlan plan, Preparer preparer, SearchExpansion.Expanded expanded) {
    super(delegate, plan.intercepts());
    this.connection = connection;
    this.encryption = encryption;
    this.plan = plan;
    this.values = plan.intercepts() ? new Object[plan.params.length] : null;
    if (values != null) {
      Arrays.fill(values, UNSET);
    }
    this.preparer = preparer;
    this.expanded = expanded;
    this.others = expanded == null ? null : new ParameterBinder[plan.params.length];
    this.batch = expanded == null ? null : new ArrayList<>();
    this.rebinding = expanded != null;
  }

  /** A statement whose plan searches: prepared for the number of keys readable now. */
  static EncryptingPreparedStatement searching(Preparer preparer, String sql, Connection connection,
      JdbcEncryption encryption, StatementPlan plan) throws SQLException {
    SearchExpansion.Expanded expanded = plan.search.expand(encryption.searchSlots(plan));
    return new EncryptingPreparedStatement(preparer.prepare(expanded.sql), connection, encryption, plan, preparer,
        expanded);
  }

  @Override
  protected boolean intercept(int index, Object value, String setter) throws SQLException {
    if (index <= 0 || index >= plan.params.length || plan.params[index] == null) {
      return false;
    }
    ParamTarget t = plan.params[index];
    if (t.kind == ParamTarget.Kind.ROW_ID) {
      values[index] = value;
      return false;
    }
    values[index] = checkedSetter(index, t, setter, value);
    return true;
  }

  /** The value of a setter that can take an encrypted column's value; a refusal for the others. */
  static Object checkedSetter(int index, ParamTarget t, String setter, Object value) throws SQLException {
    switch (setter) {
      case "setNull":
      case "setBoolean":
      case "setByte":
      case "setShort":
      case "setInt":
      case "setLong":
      case "setFloat":
      case "setDouble":
      case "setBigDecimal":
      case "setString":
      case "setNString":
      case "setBytes":
      case "setDate":
      case "setTime":
      case "setTimestamp":
      case "setObject":
        if (value instanceof PreEncrypted) {
          try {
            CiphertextHeader.parse(((PreEncrypted) value).ciphertext());
          } catch (MalformedCiphertextException e) {
            throw new StatementRefusedException("Parameter " + index + " (" + t.column.qualifiedName() + ") is bound"
                + " to a PreEncrypted value that is not a FieldVault ciphertext; it was not bound. Pass the bytes"
                + " FieldEncryptor.encrypt returned, or bind the plaintext", e);
          }
        }
        return value;
      default:
        throw new StatementRefusedException("Parameter " + index + " is bound to " + (t.blindIndex()
            ? "the blind index of " : "") + "encrypted column "
            + t.column.qualifiedName() + ", which cannot take a value through " + setter
            + ": bind it with setObject, setString or setBytes");
    }
  }

  @Override
  protected void bind(int index, String setter, ParameterBinder binder) throws SQLException {
    if (index >= others.length) {
      others = Arrays.copyOf(others, index + 1);
    }
    boolean oneShot = setter.contains("Stream") || setter.endsWith("Blob") || setter.endsWith("Clob");
    others[index] = !oneShot ? binder : (ps, i) -> {
      throw new SQLException("Parameter " + index + " was set with " + setter + ", which cannot be bound again"
          + " now that the statement is prepared again for a changed keyring: set it again and execute");
    };
    binder.bind(delegate, expanded.first(index));
  }

  /** Encrypts the held-back values and binds them to the driver's statement. */
  private void bindEncrypted() throws SQLException {
    if (values == null) {
      return;
    }
    Object[] stored = encrypted(values);
    int needed = slotsNeeded(stored);
    if (expanded != null && needed > expanded.slots) {
      prepareAgain(needed);
    }
    bindStored(stored);
  }

  /** The stored form of each held-back value (a list, for a searched one), by index; UNSET if not set. */
  private Object[] encrypted(Object[] held) throws SQLException {
    Object[] out = new Object[held.length];
    for (int i = 1; i < held.length; i++) {
      ParamTarget t = plan.params[i];
      if (t != null && t.valueParameter > 0) {
        out[i] = blindIndexOfValue(t, held, i);
      } else if (t == null || t.kind == ParamTarget.Kind.ROW_ID || held[i] == UNSET) {
        out[i] = UNSET;
      } else if (t.searches()) {
        out[i] = encryption.searched(t, held[i]);
      } else {
        out[i] = encryption.stored(t, held[i], rowId(t, held, i));
      }
    }
    return out;
  }

  /**
   * A written blind index: the wrapper computes it from the value bound to its encrypted column in
   * the same row, so it cannot go stale; a different value bound to the blind index itself is refused.
   */
  private Object blindIndexOfValue(ParamTarget t, Object[] held, int i) throws SQLException {
    Object value = held[t.valueParameter];
    if (value == UNSET || value instanceof PreEncrypted) {
      // the plaintext is not known here: the blind index is computed from what was bound to it
      return held[i] == UNSET ? UNSET : encryption.stored(t, held[i], null);
    }
    Object filled = encryption.stored(t, value, null);
    if (held[i] != UNSET && !Objects.deepEquals(filled, encryption.stored(t, held[i], null))) {
      throw new StatementRefusedException("Parameter " + i + " (blind-index column " + t.column.blindIndexColumn()
          + " of " + t.column.qualifiedName() + ") is bound to another value than parameter " + t.valueParameter
          + " (" + t.column.column() + "); the wrapper fills the blind index from the column's value, so that it"
          + " never goes stale. Bind the same value to both, or leave the blind-index parameter unset");
    }
    return filled;
  }

  private static Object rowId(ParamTarget t, Object[] held, int i) throws SQLException {
    if (t.kind != ParamTarget.Kind.VALUE || t.column.rowIdColumn() == null || held[i] == null) {
      return null;
    }
    Object rowId = t.rowIdParameter > 0 ? held[t.rowIdParameter] : t.rowIdLiteral;
    if (rowId == UNSET || rowId == null) {
      throw new SQLException("Encrypted column " + t.column.qualifiedName() + " is bound to its row's id:"
          + " bind parameter " + t.rowIdParameter + " (" + t.column.rowIdColumn() + ") before executing");
    }
    return rowId;
  }

  /** The most values a searched parameter has (1 when none is searched). */
  private static int slotsNeeded(Object[] stored) {
    int needed = 1;
    for (Object s : stored) {
      if (s instanceof List) {
        needed = Math.max(needed, ((List<?>) s).size());
      }
    }
    return needed;
  }

  private void bindStored(Object[] stored) throws SQLException {
    int slots = expanded == null ? 1 : expanded.slots;
    for (int i = 1; i < stored.length; i++) {
      if (stored[i] == UNSET) {
        continue;
      }
      int at = expanded == null ? i : expanded.first(i);
      if (stored[i] instanceof List) {
        List<?> all = (List<?>) stored[i];
        for (int slot = 0; slot < slots; slot++) {
          setStored(at + slot, plan.params[i], all.get(slot < all.size() ? slot : 0));
        }
      } else {
        setStored(at, plan.params[i], stored[i]);
      }
    }
  }

  private void setStored(int at, ParamTarget t, Object stored) throws SQLException {
    setStored(delegate, at, t, stored);
  }

  /** Binds the stored form (ciphertext, blind index, base64 text, or null) of a held-back value. */
  static void setStored(PreparedStatement delegate, int at, ParamTarget t, Object stored) throws SQLException {
    if (stored == null) {
      delegate.setNull(at, t.column.storage() == dev.fieldvault.keys.ColumnStorage.TEXT ? Types.VARCHAR
          : Types.VARBINARY);
    } else if (stored instanceof String) {
      delegate.setString(at, (String) stored);
    } else {
      delegate.setBytes(at, (byte[]) stored);
    }
  }

  /**
   * Prepares the driver's statement again with {@code slots} values per searched parameter (more keys
   * became readable), keeps its settings, and binds the pending batch rows and the parameters again.
   */
  private void prepareAgain(int slots) throws SQLException {
    PreparedStatement old = delegate;
    SearchExpansion.Expanded next = plan.search.expand(slots);
    PreparedStatement fresh = preparer.prepare(next.sql);
    try {
      fresh.setFetchSize(old.getFetchSize());
      fresh.setMaxRows(old.getMaxRows());
      fresh.setQueryTimeout(old.getQueryTimeout());
      fresh.setMaxFieldSize(old.getMaxFieldSize());
      fresh.setPoolable(old.isPoolable());
      if (old.isCloseOnCompletion()) {
        fresh.closeOnCompletion();
      }
    } catch (SQLException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    delegate = fresh;
    expanded = next;
    old.close();
    for (Object[][] row : batch) {
      delegate.clearParameters();
      bindOthers(row[1]);
      Object[] stored = encrypted(row[0]);
      if (slotsNeeded(stored) > slots) {
        prepareAgain(slotsNeeded(stored));
        return;
      }
      bindStored(stored);
      delegate.addBatch();
    }
    bindOthers(others);
  }

  private void bindOthers(Object[] binders) throws SQLException {
    for (int i = 1; i < binders.length; i++) {
      if (binders[i] != null) {
        ((ParameterBinder) binders[i]).bind(delegate, expanded.first(i));
      }
    }
  }

  @Override
  public void clearParameters() throws SQLException {
    if (values != null) {
      Arrays.fill(values, UNSET);
    }
    if (others != null) {
      Arrays.fill(others, null);
    }
    delegate.clearParameters();
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    bindEncrypted();
    return wrapResultSet(delegate.executeQuery());
  }

  @Override
  public int executeUpdate() throws SQLException {
    bindEncrypted();
    return delegate.executeUpdate();
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    bindEncrypted();
    return delegate.executeLargeUpdate();
  }

  @Override
  public boolean execute() throws SQLException {
    bindEncrypted();
    return delegate.execute();
  }

  @Override
  public void addBatch() throws SQLException {
    bindEncrypted();
    delegate.addBatch();
    if (batch != null) {
      batch.add(new Object[][] {values.clone(), others.clone()});
    }
  }

  @Override
  public void clearBatch() throws SQLException {
    forgetBatch();
    delegate.clearBatch();
  }

  @Override
  public int[] executeBatch() throws SQLException {
    try {
      return delegate.executeBatch();
    } finally {
      forgetBatch();
    }
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    try {
      return delegate.executeLargeBatch();
    } finally {
      forgetBatch();
    }
  }

  private void forgetBatch() {
    if (batch != null) {
      batch.clear();
    }
  }

  @Override
  protected ResultSet wrapResultSet(ResultSet rs) {
    return rs == null ? null : new EncryptingResultSet(rs, this, encryption, plan.read);
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    ResultSet rs = delegate.getGeneratedKeys();
    return rs == null ? null : new EncryptingResultSet(rs, this, encryption, plan.generatedKeys);
  }

  @Override
  public Connection getConnection() {
    return connection;
  }

  @Override
  public java.sql.ParameterMetaData getParameterMetaData() throws SQLException {
    java.sql.ParameterMetaData md = delegate.getParameterMetaData();
    return expanded == null || expanded.slots == 1 || md == null ? md : new RemappedParameterMetaData(md, expanded);
  }

  // SQL given to a prepared statement's Statement methods is checked like a plain statement's.

  @Override
  protected void checkSql(String sql) throws SQLException {
    encryption.plan(sql).checkAllowedInline();
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    StatementPlan other = encryption.plan(sql);
    other.checkAllowedInline();
    ResultSet rs = delegate.executeQuery(sql);
    return rs == null ? null : new EncryptingResultSet(rs, this, encryption, other.read);
  }

  @Override
  public String toString() {
    return "EncryptingPreparedStatement{" + delegate + "}";
  }
}
