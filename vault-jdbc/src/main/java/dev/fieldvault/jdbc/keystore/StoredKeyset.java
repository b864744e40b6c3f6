package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.keys.VaultKeyset;
import java.util.Objects;

/**
 * A data keyset as held in the key store: the (decrypted) keyset, its row version for optimistic
 * locking, and the id of the KEK its stored document is encrypted under. Immutable.
 */
public final class StoredKeyset {

  private final VaultKeyset keyset;
  private final long version;
  private final String kekId;

  StoredKeyset(VaultKeyset keyset, long version, String kekId) {
    this.keyset = Objects.requireNonNull(keyset, "keyset");
    this.version = version;
    this.kekId = kekId;
  }

  public String name() {
    return keyset.name();
  }

  public VaultKeyset keyset() {
    return keyset;
  }

  /** Grows by one with every stored change; a change based on an older version is refused. */
  public long version() {
    return version;
  }

  public String kekId() {
    return kekId;
  }

  @Override
  public String toString() {
    return "StoredKeyset{" + keyset + ", version=" + version + ", kek=" + kekId + "}";
  }
}
