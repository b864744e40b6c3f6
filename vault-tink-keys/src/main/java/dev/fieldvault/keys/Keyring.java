package dev.fieldvault.keys;

import java.util.Optional;

/**
 * The keysets one {@link FieldCipher} uses: an AEAD keyset for randomized fields, and optionally a
 * deterministic AEAD keyset for queryable fields and a PRF keyset for blind indexes. Immutable.
 */
public final class Keyring {

  private final VaultKeyset aead;
  private final VaultKeyset deterministic;
  private final VaultKeyset prf;

  private Keyring(VaultKeyset aead, VaultKeyset deterministic, VaultKeyset prf) {
    this.aead = check(aead, KeyPurpose.AEAD, "aead");
    this.deterministic = check(deterministic, KeyPurpose.DETERMINISTIC_AEAD, "deterministic");
    this.prf = check(prf, KeyPurpose.PRF, "prf");
    if (aead == null && deterministic == null) {
      throw new VaultConfigurationException("A keyring needs at least an AEAD or a deterministic keyset");
    }
  }

  /** A keyring of the given keysets; any may be null if the fields it serves are not used. */
  public static Keyring of(VaultKeyset aead, VaultKeyset deterministic, VaultKeyset prf) {
    return new Keyring(aead, deterministic, prf);
  }

  /**
   * A keyring of three freshly generated keysets named {@code <prefix>-aead}, {@code -daead} and
   * {@code -prf}, with the default algorithms.
   */
  public static Keyring generate(String prefix) {
    return new Keyring(VaultKeyset.generate(prefix + "-aead", KeyPurpose.AEAD),
        VaultKeyset.generate(prefix + "-daead", KeyPurpose.DETERMINISTIC_AEAD),
        VaultKeyset.generate(prefix + "-prf", KeyPurpose.PRF));
  }

  public Optional<VaultKeyset> aead() {
    return Optional.ofNullable(aead);
  }

  public Optional<VaultKeyset> deterministic() {
    return Optional.ofNullable(deterministic);
  }

  public Optional<VaultKeyset> prf() {
    return Optional.ofNullable(prf);
  }

  /** The keyset of a purpose, if present. */
  public Optional<VaultKeyset> get(KeyPurpose purpose) {
    switch (purpose) {
      case AEAD:
        return aead();
      case DETERMINISTIC_AEAD:
        return deterministic();
      default:
        return prf();
    }
  }

  /** This keyring with one keyset replaced (chosen by the keyset's purpose). */
  public Keyring with(VaultKeyset keyset) {
    switch (keyset.purpose()) {
      case AEAD:
        return new Keyring(keyset, deterministic, prf);
      case DETERMINISTIC_AEAD:
        return new Keyring(aead, keyset, prf);
      default:
        return new Keyring(aead, deterministic, keyset);
    }
  }

  private static VaultKeyset check(VaultKeyset ks, KeyPurpose expected, String role) {
    if (ks != null && ks.purpose() != expected) {
      throw new VaultConfigurationException("The " + role + " keyset '" + ks.name() + "' has purpose "
          + ks.purpose() + ", expected " + expected);
    }
    return ks;
  }

  @Override
  public String toString() {
    return "Keyring{aead=" + aead + ", deterministic=" + deterministic + ", prf=" + prf + "}";
  }
}
