package dev.fieldvault.secrets.imports;

import dev.fieldvault.keys.FieldVaultException;

/**
 * An import that did not happen: a malformed file, an existing name under {@link ConflictPolicy#FAIL},
 * or a write that failed midway (the writes of the import done before it were undone). The message
 * names the place (a line, an entry, a name) and what to do; it never contains a value, and the
 * exception never carries the parser's own exception (whose text may quote the file).
 */
public final class SecretsImportException extends FieldVaultException {

  /** Why the import did not happen. */
  public enum Reason {
    /** The file does not have the format's shape; nothing was written. */
    MALFORMED,
    /** A name exists and the policy is {@link ConflictPolicy#FAIL}; nothing was written. */
    CONFLICT,
    /**
     * The check before the first write or a write midway was refused or failed (the access policy, a
     * concurrent writer, the database): the writes of this import done before it were undone as far as
     * {@link ImportReport} of {@link #report()} says (none when the check failed; the store's exception is then
     * the cause, e.g. {@code SecretsAccessDeniedException} when the principal lacks READ).
     */
    ABORTED
  }

  private final Reason reason;
  private final String location;
  private final transient ImportReport report;

  public SecretsImportException(Reason reason, String location, String message) {
    this(reason, location, message, null);
  }

  SecretsImportException(Reason reason, String location, String message, ImportReport report) {
    this(reason, location, message, report, null);
  }

  SecretsImportException(Reason reason, String location, String message, ImportReport report, Throwable cause) {
    super(location == null ? message : location + ": " + message, cause);
    this.reason = reason;
    this.location = location;
    this.report = report;
  }

  public Reason reason() {
    return reason;
  }

  /** Where in the file: {@code line 12}, {@code entry 3 ('db/password')}; null when not about one place. */
  public String location() {
    return location;
  }

  /** For {@link Reason#ABORTED}: what was written and undone before the failure; otherwise null. */
  public ImportReport report() {
    return report;
  }
}
