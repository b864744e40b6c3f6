package dev.fieldvault.keys;

/** The life cycle of a key in a {@link VaultKeyset}. */
public enum KeyStatus {
  /** Reads; the primary key also writes. */
  ENABLED,
  /** Kept, but neither reads nor writes; can be enabled again. */
  DISABLED,
  /** Key material deleted for good; only its metadata remains, so tools can explain old values. */
  DESTROYED
}
