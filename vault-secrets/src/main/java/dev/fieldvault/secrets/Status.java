package dev.fieldvault.secrets;

/** The outcome of a vault operation; anything but {@link #OK} says why no value was read or written. */
public enum Status {
  /** The operation succeeded. */
  OK,
  /** No such name in the store (in a sealed store: or the secret is not the one it was written with). */
  NOT_FOUND,
  /** The entry exists but its expiry has passed; a cleanup job deletes it after the retention window. */
  EXPIRED,
  /** The value's key is disabled, destroyed or not loaded: re-enable it, or load the keyset that holds it. */
  KEY_UNAVAILABLE,
  /** The access policy refused this principal the action on this store; the refusal was audited. */
  ACCESS_DENIED,
  /** A compare-and-set write found another version than the expected one: read again and retry. */
  CONFLICT
}
