package dev.fieldvault.secrets.imports;

/** What an import does with a name that already exists in the target store. */
public enum ConflictPolicy {
  /** Leaves the existing entry as it is and reports the name as skipped (the default). */
  SKIP,
  /** Writes the imported value as a new version of the existing entry (compare-and-set on its version). */
  OVERWRITE,
  /** Refuses the whole import before anything is written, naming the names that exist. */
  FAIL
}
