package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link SecretStore#list(ListQuery)} lists: the order (by name or by last update, ascending or
 * descending), optional filters (state, metadata entries that must all match exactly), the page size
 * and the cursor of the previous page. Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * Page<SecretInfo> p = store.list(ListQuery.byUpdatedAt().descending().state(State.ACTIVE)
 *     .metadata("provider", "github").limit(50));
 * Page<SecretInfo> next = store.list(query.after(p.nextCursor()));
 * }</pre>
 *
 * @param order by name or by last update (ties broken by name)
 * @param reversed descending: the last name, or the most recently updated entry, first
 * @param state only entries in this state at listing time, or null for every state
 * @param metadata entries whose metadata has every one of these keys with exactly this value (empty: any)
 * @param cursor {@link Page#nextCursor()} of the previous page of a query with the same order, or null
 * @param limit page size, 1 to 10,000
 * @param kind only entries of this kind ({@link SecretInfo#kind()}), or null for every kind
 */
public record ListQuery(Order order, boolean reversed, SecretInfo.State state, Map<String, String> metadata,
    String cursor, int limit, SecretKind kind) {

  /** A query without kind filter (the form before kinds). */
  public ListQuery(Order order, boolean reversed, SecretInfo.State state, Map<String, String> metadata,
      String cursor, int limit) {
    this(order, reversed, state, metadata, cursor, limit, null);
  }

  /** The orders a store can be listed in. */
  public enum Order {
    /** By name (the database's comparison of the name column). */
    NAME,
    /** By the time of the last change of value, metadata or expiry, then by name. */
    UPDATED_AT
  }

  public ListQuery {
    Objects.requireNonNull(order, "order");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    String problem = dev.fieldvault.secrets.internal.Names.metadataProblem(metadata);
    if (problem != null) {
      throw new VaultConfigurationException("A metadata filter must be valid Unicode text (no stored metadata holds"
          + " anything else), but " + problem);
    }
    if (limit < 1 || limit > 10_000) {
      throw new VaultConfigurationException("A page size must be 1 to 10000, not " + limit);
    }
  }

  /** By name, ascending, every state, 100 per page. */
  public static ListQuery byName() {
    return new ListQuery(Order.NAME, false, null, Map.of(), null, 100, null);
  }

  /** By last update (oldest first; then by name), every state, 100 per page. */
  public static ListQuery byUpdatedAt() {
    return new ListQuery(Order.UPDATED_AT, false, null, Map.of(), null, 100, null);
  }

  /** The same query in descending order (last name, or most recently updated, first). */
  public ListQuery descending() {
    return new ListQuery(order, true, state, metadata, cursor, limit, kind);
  }

  /** The same query in ascending order. */
  public ListQuery ascending() {
    return new ListQuery(order, false, state, metadata, cursor, limit, kind);
  }

  /** Only entries in this state when listed (null: every state). */
  public ListQuery state(SecretInfo.State s) {
    return new ListQuery(order, reversed, s, metadata, cursor, limit, kind);
  }

  /** Only entries whose metadata maps {@code key} to exactly {@code value} (filters add up). */
  public ListQuery metadata(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(metadata);
    m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new ListQuery(order, reversed, state, m, cursor, limit, kind);
  }

  /** The page after the one whose {@link Page#nextCursor()} this is (null: the first page). */
  public ListQuery after(String pageCursor) {
    return new ListQuery(order, reversed, state, metadata, pageCursor, limit, kind);
  }

  /** At most {@code n} entries per page (1 to 10,000). */
  public ListQuery limit(int n) {
    return new ListQuery(order, reversed, state, metadata, cursor, n, kind);
  }

  /** Only entries of this kind (null: every kind); {@link SecretKind#GENERIC} includes entries written before kinds. */
  public ListQuery kind(SecretKind k) {
    return new ListQuery(order, reversed, state, metadata, cursor, limit, k);
  }
}
