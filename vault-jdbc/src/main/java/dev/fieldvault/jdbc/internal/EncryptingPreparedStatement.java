package dev.fieldvault.jdbc.internal;

import static dev.fieldvault.jdbc.internal.HeldParameters.UNSET;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A prepared statement whose parameters bound to encrypted columns are held back, and encrypted
 * (for their row, when row-bound) just before the statement runs or joins a batch. Other
 * parameters go straight to the driver. The held values and their encryption are
 * {@link HeldParameters}, shared with {@link EncryptingCallableStatement}.
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

  private final Connection connection;
  private final JdbcEncryption encryption;
  private final StatementPlan plan;
  /** The held-back values; null when no parameter is planned. */
  private final HeldParameters held;
  // Only for a statement that searches (plan.search != null):
  private final Preparer preparer;
  private SearchExpansion.Expanded expanded;
  /** Whether legacy plaintext searches of TEXT columns are rendered with an exact collation (MariaDB). */
  private final boolean exact;
  /** The setter calls of the parameters that are not held back, by index, to bind them again. */
  private ParameterBinder[] others;
  /** The rows of the pending batch, to add them again to a statement prepared again. */
  private final List<Object[][]> batch;

  EncryptingPreparedStatement(PreparedStatement delegate, Connection connection, JdbcEncryption encryption,
      StatementPlan plan) {
    this(delegate, connection, encryption, plan, null, null, false);
  }

  private EncryptingPreparedStatement(PreparedStatement delegate, Connection connection, JdbcEncryption encryption,
      StatementPlan plan, Preparer preparer, SearchExpansion.Expanded expanded, boolean exact) {
    super(delegate, plan.intercepts());
    this.connection = connection;
    this.encryption = encryption;
    this.plan = plan;
    this.held = plan.intercepts() ? new HeldParameters(plan.params) : null;
    this.preparer = preparer;
    this.expanded = expanded;
    this.exact = exact;
    this.others = expanded == null ? null : new ParameterBinder[plan.params.length];
    this.batch = expanded == null ? null : new ArrayList<>();
    this.rebinding = expanded != null;
  }

  /** A statement whose plan searches: prepared for the number of keys readable now. */
  static EncryptingPreparedStatement searching(Preparer preparer, String sql, Connection connection,
      JdbcEncryption encryption, StatementPlan plan, Connection raw) throws SQLException {
    boolean exact = plan.search.legacyText && encryption.exactLegacyCompare(raw);
    SearchExpansion.Expanded expanded = plan.search.expand(encryption.searchSlots(plan), exact);
    return new EncryptingPreparedStatement(preparer.prepare(expanded.sql), connection, encryption, plan, preparer,
        expanded, exact);
  }

  @Override
  protected boolean intercept(int index, Object value, String setter) throws SQLException {
    return held.hold(index, value, setter);
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
    if (held == null) {
      return;
    }
    Object[] stored = encrypted(held.values);
    int needed = slotsNeeded(stored);
    if (expanded != null && needed > expanded.slots) {
      prepareAgain(needed);
    }
    bindStored(stored);
  }

  /** The stored form of each held-back value (a list, for a searched one), by index; UNSET if not set. */
  private Object[] encrypted(Object[] values) throws SQLException {
    Object[] out = new Object[values.length];
    for (int i = 1; i < values.length; i++) {
      out[i] = held.stored(i, values, encryption);
    }
    return out;
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
          HeldParameters.bind(delegate, at + slot, plan.params[i], all.get(slot < all.size() ? slot : 0));
        }
      } else {
        HeldParameters.bind(delegate, at, plan.params[i], stored[i]);
      }
    }
  }

  /**
   * Prepares the driver's statement again with {@code slots} values per searched parameter (more keys
   * became readable), keeps its settings, and binds the pending batch rows and the parameters again.
   */
  private void prepareAgain(int slots) throws SQLException {
    PreparedStatement old = delegate;
    SearchExpansion.Expanded next = plan.search.expand(slots, exact);
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
    if (held != null) {
      held.clear();
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
      batch.add(new Object[][] {held.values.clone(), others.clone()});
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
