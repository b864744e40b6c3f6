package dev.fieldvault.secrets;

import java.time.Instant;
import java.util.Map;

/** One entry as listed: its name and metadata, never its value. */
public record SecretInfo(String name, Map<String, String> metadata, long version, Instant expiresAt,
    Instant updatedAt, State state) {

  /** The effective state of an entry at the time it was listed. */
  public enum State { ACTIVE, EXPIRED }
}
