package dev.fieldvault.secrets.imports;

import java.util.List;

/**
 * What an import did, or with a dry run would do: one item per secret of the file, in file order.
 * Never holds a value.
 *
 * @param dryRun true when nothing was written
 * @param items each secret's name and outcome
 */
public record ImportReport(boolean dryRun, List<Item> items) {

  public ImportReport {
    items = List.copyOf(items);
  }

  /** What happened to one secret. */
  public enum Outcome {
    /** A new entry (version 1). */
    CREATED,
    /** A new version of an existing entry ({@link ConflictPolicy#OVERWRITE}). */
    UPDATED,
    /** Left alone: the name exists ({@link ConflictPolicy#SKIP}) or the source marks it deleted. */
    SKIPPED,
    /** Written, then undone because a later write of the same import failed. */
    UNDONE,
    /** Written, and could not be undone after a later write failed (see {@link Item#detail()}). */
    NOT_UNDONE
  }

  /**
   * One secret.
   *
   * @param name the entry name in the store
   * @param outcome what happened (or would happen)
   * @param version the version written (0 when none, or in a dry run)
   * @param detail why, for skipped and not-undone items (never a value); null otherwise
   */
  public record Item(String name, Outcome outcome, long version, String detail) {}

  public long created() {
    return count(Outcome.CREATED);
  }

  public long updated() {
    return count(Outcome.UPDATED);
  }

  public long skipped() {
    return count(Outcome.SKIPPED);
  }

  public long count(Outcome o) {
    return items.stream().filter(i -> i.outcome() == o).count();
  }

  @Override
  public String toString() {
    return "ImportReport{" + (dryRun ? "dry run, " : "") + "created=" + created() + ", updated=" + updated()
        + ", skipped=" + skipped() + "}";
  }
}
