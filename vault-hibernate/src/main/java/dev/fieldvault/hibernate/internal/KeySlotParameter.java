package dev.fieldvault.hibernate.internal;

import dev.fieldvault.keys.FieldVaultException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.metamodel.mapping.JdbcMappingContainer;
import org.hibernate.sql.ast.SqlAstWalker;
import org.hibernate.sql.ast.tree.expression.JdbcParameter;
import org.hibernate.sql.exec.spi.ExecutionContext;
import org.hibernate.sql.exec.spi.JdbcParameterBinder;
import org.hibernate.sql.exec.spi.JdbcParameterBinding;
import org.hibernate.sql.exec.spi.JdbcParameterBindings;

/**
 * One extra placeholder of an equality on a deterministic attribute, added by
 * {@link EncryptedQueryTranslator} while the deterministic keyset has more than one readable key:
 * {@code col = ?} is translated as {@code col in (?, ?, ...)}, one placeholder per readable key. The
 * first is Hibernate's own parameter (the value's ciphertext under the primary key); this one binds
 * the same value's ciphertext under the key of its {@code slot}, computed from what Hibernate bound
 * to that parameter. While the attribute's policy migrates plaintext, a last placeholder
 * ({@link #legacyPlaintext}) binds the value's legacy plaintext form instead
 * ({@code FieldEncryptor.legacySearchForm}), so that rows not migrated yet are found. It lives in the
 * SQL AST (a {@link JdbcParameter} and its own binder), so no SQL text is ever rewritten, and its value
 * is bound by this binder, never through Hibernate's bind logging.
 */
final class KeySlotParameter implements JdbcParameter, JdbcParameterBinder {

  private final JdbcParameter original;
  private final AttributeBinding binding;
  private final int slot;
  private final int slots;
  /** Whether this placeholder takes the value's legacy plaintext form rather than a ciphertext. */
  private final boolean plaintextForm;

  /**
   * @param original Hibernate's parameter whose value this slot repeats under another key
   * @param slot 1 for the second placeholder, 2 for the third, ... (0 is {@code original} itself)
   * @param slots how many placeholders the value has (the readable keys when the query was translated)
   */
  KeySlotParameter(JdbcParameter original, AttributeBinding binding, int slot, int slots) {
    this(original, binding, slot, slots, false);
  }

  private KeySlotParameter(JdbcParameter original, AttributeBinding binding, int slot, int slots,
      boolean plaintextForm) {
    this.original = original;
    this.binding = binding;
    this.slot = slot;
    this.slots = slots;
    this.plaintextForm = plaintextForm;
  }

  /** The placeholder of the legacy plaintext form of {@code original}'s value. */
  static KeySlotParameter legacyPlaintext(JdbcParameter original, AttributeBinding binding) {
    return legacyPlaintext(original, binding, 0);
  }

  /**
   * The placeholder of one of the legacy text forms of {@code original}'s value ({@code FieldEncryptor.legacySearchForms}:
   * {@code form} from 0 to {@link AttributeBinding#legacyFormCount()} - 1).
   */
  static KeySlotParameter legacyPlaintext(JdbcParameter original, AttributeBinding binding, int form) {
    return new KeySlotParameter(original, binding, form, binding.legacyFormCount(), true);
  }

  @Override
  public JdbcParameterBinder getParameterBinder() {
    return this;
  }

  /** Hibernate 7 (absent from 6.6): not a parameter of the query's own, so no id. */
  public Integer getParameterId() {
    return null;
  }

  @Override
  public JdbcMappingContainer getExpressionType() {
    return original.getExpressionType();
  }

  @Override
  public void accept(SqlAstWalker walker) {
    walker.visitParameter(this);
  }

  @Override
  public void bindParameterValue(PreparedStatement statement, int position, JdbcParameterBindings bindings,
      ExecutionContext context) throws SQLException {
    JdbcParameterBinding bound = bindings.getBinding(original);
    Object value = bound == null ? null : bound.getBindValue();
    if (value == null) {
      statement.setNull(position, binding.text() ? Types.VARCHAR : Types.VARBINARY);
      return;
    }
    SharedSessionContractImplementor session = context.getSession();
    String tenant = binding.model.tenantColumn() == null ? null : Tenants.of(session, binding.model);
    if (plaintextForm) {
      Object form;
      try {
        Object[] forms = binding.legacySearchForms(value, tenant);
        form = forms[Math.min(slot, forms.length - 1)];
      } catch (FieldVaultException e) {
        throw new SQLException("FieldVault could not derive the plaintext form of a value compared with @Encrypted"
            + " attribute " + binding.model.entityName() + "." + binding.model.attributePath() + " while its"
            + " plaintext is migrated (" + e.getClass().getSimpleName() + ")", "22000", e);
      }
      set(statement, position, form);
      return;
    }
    Object[] forms;
    try {
      forms = binding.searchForms(value, tenant);
    } catch (FieldVaultException e) {
      throw new SQLException("FieldVault could not derive the search forms of a value compared with @Encrypted"
          + " attribute " + binding.model.entityName() + "." + binding.model.attributePath() + " during a key"
          + " rotation (" + e.getClass().getSimpleName() + ")", "22000", e);
    }
    if (forms.length > slots) {
      // fail closed: more readable keys than the query was planned for would miss rows silently
      throw new SQLException("The keyring of @Encrypted attribute " + binding.model.entityName() + "."
          + binding.model.attributePath() + " has " + forms.length + " readable deterministic keys for this"
          + " value, more than the " + slots + " the query was translated for: call HibernateVault.reload(...)"
          + " with the new keyring, which replans queries", "42000");
    }
    set(statement, position, forms[Math.min(slot, forms.length - 1)]);
  }

  private static void set(PreparedStatement statement, int position, Object form) throws SQLException {
    if (form instanceof String) {
      statement.setString(position, (String) form);
    } else {
      statement.setBytes(position, (byte[]) form);
    }
  }
}
