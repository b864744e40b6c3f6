package dev.fieldvault.secrets;

/**
 * A store's sizes, counted at one moment (names, values and metadata are not read).
 *
 * @param entries entries (names), expired ones included
 * @param expired entries whose expiry has passed and that no cleanup has deleted yet
 * @param versions kept versions of every entry (the current ones included)
 */
public record StoreCounts(long entries, long expired, long versions) {

  /** Entries that have not expired. */
  public long active() {
    return entries - expired;
  }
}
