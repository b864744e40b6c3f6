package dev.fieldvault.secrets;

import java.time.Instant;
import java.util.Map;

/**
 * One entry as listed: its name and metadata, never its value.
 *
 * @param id the entry's stable opaque id: kept by every update, rotation and rollback, new when a
 *     removed name is created again (null only for an entry written before ids and not since, by an
 *     instance that has not applied the changelog's backfill)
 * @param createdAt when the entry (its first version) was written
 * @param createdBy the principal that created the entry (null for entries created before it was kept)
 * @param kind the kind of the entry's current value, from its plaintext {@code kind} column
 *     ({@link SecretKind#GENERIC} for plain values and for entries written before kinds)
 */
public record SecretInfo(String name, Map<String, String> metadata, long version, Instant expiresAt,
    Instant updatedAt, State state, String id, Instant createdAt, String createdBy, SecretKind kind) {

  /** An entry without kind ({@link SecretKind#GENERIC}; the form before kinds). */
  public SecretInfo(String name, Map<String, String> metadata, long version, Instant expiresAt, Instant updatedAt,
      State state, String id, Instant createdAt, String createdBy) {
    this(name, metadata, version, expiresAt, updatedAt, state, id, createdAt, createdBy, SecretKind.GENERIC);
  }

  /** An entry without id and creation (the form before ids). */
  public SecretInfo(String name, Map<String, String> metadata, long version, Instant expiresAt, Instant updatedAt,
      State state) {
    this(name, metadata, version, expiresAt, updatedAt, state, null, null, null);
  }

  /** The effective state of an entry at the time it was listed. */
  public enum State { ACTIVE, EXPIRED }
}
