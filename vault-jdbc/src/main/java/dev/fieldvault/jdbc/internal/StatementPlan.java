package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import java.util.Map;

/**
 * What the wrapper does with one SQL string, worked out once by {@link SqlAnalyzer} and cached:
 * refuse it, or which parameters to encrypt and which result columns to decrypt. Immutable.
 */
final class StatementPlan {

  /** A statement that touches no encrypted column. */
  static final StatementPlan PASS_THROUGH = new StatementPlan(null, new ParamTarget[0], Map.of(), Map.of(), null);

  /** A call of a procedure that takes no argument: its body is invisible, and nothing is bound. */
  static final StatementPlan CALL = new StatementPlan(null, new ParamTarget[0], Map.of(), Map.of(), null, true);

  /** Why the statement is refused, or null when it may run. */
  final String refusal;
  /** Targets by 1-based parameter index (index 0 unused); null entries pass through. */
  final ParamTarget[] params;
  /** Encrypted columns of the statement's result, by lower-case label. */
  final Map<String, ReadColumn> read;
  /** Encrypted columns of the generated keys / RETURNING result, by lower-case label. */
  final Map<String, ReadColumn> generatedKeys;
  /** How the SQL is rewritten to search under every readable key, or null when it searches nothing. */
  final SearchExpansion search;
  /** Whether the statement calls a procedure (declared, or without arguments). */
  final boolean call;

  StatementPlan(String refusal, ParamTarget[] params, Map<String, ReadColumn> read,
      Map<String, ReadColumn> generatedKeys, SearchExpansion search) {
    this(refusal, params, read, generatedKeys, search, false);
  }

  StatementPlan(String refusal, ParamTarget[] params, Map<String, ReadColumn> read,
      Map<String, ReadColumn> generatedKeys, SearchExpansion search, boolean call) {
    this.call = call;
    this.refusal = refusal;
    this.params = params;
    this.read = read;
    this.generatedKeys = generatedKeys;
    this.search = search;
  }

  static StatementPlan refused(String why) {
    return new StatementPlan(why, new ParamTarget[0], Map.of(), Map.of(), null);
  }

  /** Whether some parameter must be intercepted. */
  boolean intercepts() {
    return params.length > 0;
  }

  /** Throws when the statement is refused. */
  void checkAllowed() throws StatementRefusedException {
    if (refusal != null) {
      throw new StatementRefusedException(refusal);
    }
  }

  /** Throws when the statement is refused or needs bound parameters (run as a plain Statement). */
  void checkAllowedInline() throws StatementRefusedException {
    checkAllowed();
    for (ParamTarget t : params) {
      if (t != null && t.kind != ParamTarget.Kind.ROW_ID) {
        throw new StatementRefusedException("A plain Statement cannot bind the value of encrypted column "
            + t.column.qualifiedName() + ": use a PreparedStatement" + (call ? " or prepareCall" : "")
            + " and bind it with setObject/setString");
      }
    }
  }

  @Override
  public String toString() {
    return refusal != null ? "StatementPlan{refused}" : "StatementPlan{params=" + java.util.Arrays.toString(params)
        + ", read=" + read + ", generatedKeys=" + generatedKeys + (search == null ? "" : ", " + search) + "}";
  }
}
