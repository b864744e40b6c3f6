package dev.fieldvault.secrets;

/** The answer to a write: {@link Status#OK} with the new version, or why nothing was written. */
public record WriteResult(Status status, long version) {

  public boolean isWritten() {
    return status == Status.OK;
  }
}
