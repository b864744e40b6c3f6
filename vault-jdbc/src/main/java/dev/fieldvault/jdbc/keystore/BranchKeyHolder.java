package dev.fieldvault.jdbc.keystore;

import com.google.crypto.tink.Aead;
import dev.fieldvault.keys.BranchKey;
import dev.fieldvault.keys.KeyEncryptionKey;

/**
 * The KEK of a hierarchical {@link KeyStore}: the stored branch key, unwrapped once and kept in memory.
 * When a keyset names a version of the branch key this instance has not loaded (another instance
 * rotated the branch key), the branch key is read again from the table (one call to the wrapping KEK).
 */
final class BranchKeyHolder implements KeyEncryptionKey {

  private final KeyStore store;
  private final String name;
  private final KeyEncryptionKey wrappingKek;
  private volatile BranchKey current;

  BranchKeyHolder(KeyStore store, String name, KeyEncryptionKey wrappingKek, BranchKey current) {
    this.store = store;
    this.name = name;
    this.wrappingKek = wrappingKek;
    this.current = current;
  }

  String name() {
    return name;
  }

  KeyEncryptionKey wrappingKek() {
    return wrappingKek;
  }

  BranchKey current() {
    return current;
  }

  void set(BranchKey next) {
    current = next;
  }

  @Override
  public String id() {
    return current.id();
  }

  @Override
  public boolean opens(String storedKekId) {
    if (current.opens(storedKekId)) {
      return true;
    }
    if (storedKekId != null && storedKekId.startsWith("branch:" + name + ":")) {
      synchronized (this) {
        if (!current.opens(storedKekId)) {
          current = store.readBranchKey(name, wrappingKek);
        }
      }
      return current.opens(storedKekId);
    }
    return false;
  }

  @Override
  public Aead aead() {
    return current.aead();
  }

  @Override
  public Aead aeadForKeyset(String keysetName) {
    return current.aeadForKeyset(keysetName);
  }

  @Override
  public String toString() {
    return "KeyEncryptionKey{" + current.id() + " wrapped by " + wrappingKek.id() + "}";
  }
}
