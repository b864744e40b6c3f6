package dev.fieldvault.jdbc;

import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A stored procedure (or function) declared to the {@link EncryptingDataSource}: which of its
 * parameters take a value of an encrypted column, and which columns of its result hold encrypted
 * values. The wrapper cannot see a procedure's body, so a call that passes arguments
 * ({@code CALL p(?, ?)}, {@code {call p(?, ?)}}, {@code {? = call f(?)}}) to an undeclared
 * procedure is refused; a declared one has its encrypted parameters encrypted (with the column's
 * context, under the primary key) and its declared result columns decrypted. Immutable; validated
 * when built.
 *
 * <pre>{@code
 * EncryptedColumn email = ...;  // the column the procedure writes
 * EncryptedColumns columns = EncryptedColumns.builder()
 *     .add(email)
 *     .procedure(EncryptedProcedure.builder("put_customer")
 *         .encryptedParameter(2, email)          // CALL put_customer(?, ?): the 2nd is an email
 *         .decryptedResult("email", email)       // a result column labelled email
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>A procedure that takes no value of an encrypted column is declared without parameters, which
 * lets its calls pass. Parameters are matched by position in the call's argument list (1-based);
 * an encrypted parameter must be a {@code ?} (or {@code NULL}) and is bound with
 * {@code setObject}/{@code setString}/... by index. The procedure's name matches case-insensitively
 * and without schema qualification.
 */
public final class EncryptedProcedure {

  /** A declared parameter: the column whose value (or blind index) it takes. */
  public static final class Parameter {
    private final EncryptedColumn column;
    private final boolean blindIndex;

    private Parameter(EncryptedColumn column, boolean blindIndex) {
      this.column = column;
      this.blindIndex = blindIndex;
    }

    /** The encrypted column whose context encrypts the value. */
    public EncryptedColumn column() {
      return column;
    }

    /** Whether the parameter takes the column's blind index rather than its ciphertext. */
    public boolean blindIndex() {
      return blindIndex;
    }

    @Override
    public String toString() {
      return (blindIndex ? "blind index of " : "") + column.qualifiedName();
    }
  }

  private final String name;
  private final Map<Integer, Parameter> parameters;
  private final Map<String, EncryptedColumn> results;

  private EncryptedProcedure(Builder b) {
    this.name = b.name;
    this.parameters = Collections.unmodifiableMap(new TreeMap<>(b.parameters));
    this.results = Collections.unmodifiableMap(new LinkedHashMap<>(b.results));
  }

  /** Starts the declaration of a procedure by its name (unqualified, as called). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The procedure's name, lower case. */
  public String name() {
    return name;
  }

  /** The declared parameters, by 1-based position in the call's argument list. */
  public Map<Integer, Parameter> parameters() {
    return parameters;
  }

  /** The declared parameter at a 1-based position, if any. */
  public Optional<Parameter> parameter(int position) {
    return Optional.ofNullable(parameters.get(position));
  }

  /** The result columns to decrypt, by lower-case label. */
  public Map<String, EncryptedColumn> results() {
    return results;
  }

  @Override
  public String toString() {
    return "EncryptedProcedure{" + name + ", parameters=" + parameters + ", results=" + results.keySet() + "}";
  }

  /** Builds an {@link EncryptedProcedure}; each setting is validated when given. */
  public static final class Builder {
    private final String name;
    private final Map<Integer, Parameter> parameters = new TreeMap<>();
    private final Map<String, EncryptedColumn> results = new LinkedHashMap<>();

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
        throw new VaultConfigurationException("Procedure name must be an unquoted identifier (letters, digits, _"
            + " and $, not starting with a digit), without schema: not \"" + name + "\"");
      }
      this.name = name.toLowerCase(Locale.ROOT);
    }

    /** The argument at {@code position} (1-based) takes a value of {@code column}: it is encrypted with its context. */
    public Builder encryptedParameter(int position, EncryptedColumn column) {
      return parameter(position, column, false);
    }

    /**
     * The argument at {@code position} (1-based) takes the blind index of {@code column}: bind the
     * plaintext, FieldVault passes its blind index.
     */
    public Builder blindIndexParameter(int position, EncryptedColumn column) {
      if (column != null && column.blindIndexColumn() == null) {
        throw new VaultConfigurationException("Encrypted column " + column.qualifiedName() + " has no blind index:"
            + " declare parameter " + position + " of procedure " + name + " with encryptedParameter");
      }
      return parameter(position, column, true);
    }

    private Builder parameter(int position, EncryptedColumn column, boolean blindIndex) {
      Objects.requireNonNull(column, "column");
      if (position < 1) {
        throw new VaultConfigurationException("Parameter positions of procedure " + name + " start at 1, not "
            + position);
      }
      if (column.rowIdColumn() != null) {
        throw new VaultConfigurationException("Encrypted column " + column.qualifiedName() + " is bound to its row's"
            + " id, which a procedure call cannot give: write it with a PreparedStatement INSERT or UPDATE");
      }
      if (parameters.putIfAbsent(position, new Parameter(column, blindIndex)) != null) {
        throw new VaultConfigurationException("Parameter " + position + " of procedure " + name
            + " is declared twice");
      }
      return this;
    }

    /** The result column labelled {@code label} holds values of {@code column}: every getter decrypts it. */
    public Builder decryptedResult(String label, EncryptedColumn column) {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(column, "column");
      if (column.rowIdColumn() != null) {
        throw new VaultConfigurationException("Encrypted column " + column.qualifiedName() + " is bound to its row's"
            + " id: read it with a SELECT that also selects " + column.rowIdColumn());
      }
      if (results.putIfAbsent(label.toLowerCase(Locale.ROOT), column) != null) {
        throw new VaultConfigurationException("Result column " + label + " of procedure " + name
            + " is declared twice");
      }
      return this;
    }

    public EncryptedProcedure build() {
      return new EncryptedProcedure(this);
    }
  }
}
