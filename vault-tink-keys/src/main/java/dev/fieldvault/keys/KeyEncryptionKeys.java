package dev.fieldvault.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.KmsClients;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.util.SecretBytes;
import dev.fieldvault.keys.internal.TinkSetup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Factories for {@link KeyEncryptionKey}s.
 *
 * <ul>
 *   <li>{@link #fromMasterSecret}: a random secret of at least 32 characters (for example
 *       {@code openssl rand -base64 48}), stretched with HKDF-SHA256 into an AES-256-GCM key;
 *   <li>{@link #fromLocalKeysetFile}: a Tink AEAD keyset in a local file (as {@code tinkey} writes);
 *   <li>{@link #fromKms}: any Tink {@link KmsClient} (AWS KMS, GCP KMS, HashiCorp Vault, ...): the
 *       cloud clients are optional dependencies the application adds.
 * </ul>
 */
public final class KeyEncryptionKeys {

  /** The shortest master secret accepted. */
  public static final int MIN_MASTER_SECRET_LENGTH = 32;

  private static final byte[] HKDF_SALT = "fieldvault/kek/v1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INFO_KEY = "fieldvault kek".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INFO_FINGERPRINT = "fieldvault kek fingerprint".getBytes(StandardCharsets.UTF_8);

  private KeyEncryptionKeys() {}

  /**
   * A KEK derived from a master secret with HKDF-SHA256. The secret must be random (HKDF does not
   * slow down guessing as a password hash would): at least {@value #MIN_MASTER_SECRET_LENGTH}
   * characters, as {@code openssl rand -base64 48} prints.
   *
   * @throws WeakSecretException if the secret is not set (null, empty or only blanks, as when the
   *     environment variable or secret it is read from is unset), shorter, or has too few distinct
   *     characters
   */
  public static KeyEncryptionKey fromMasterSecret(CharSequence secret) {
    if (secret == null || secret.toString().isBlank()) {
      throw new WeakSecretException("The master secret is not set (" + (secret == null ? "null" : secret.length() == 0
          ? "empty" : "only blanks") + "): set the environment variable or secret you read it from (for example"
          + " FIELDVAULT_MASTER_SECRET) to a random value of at least " + MIN_MASTER_SECRET_LENGTH + " characters,"
          + " for example from `openssl rand -base64 48`, before the application starts");
    }
    if (secret.length() < MIN_MASTER_SECRET_LENGTH) {
      throw new WeakSecretException("The master secret must have at least " + MIN_MASTER_SECRET_LENGTH
          + " characters (it has " + secret.length() + "): generate a random one,"
          + " for example with `openssl rand -base64 48`, and keep it out of source control");
    }
    if (secret.chars().distinct().count() < 10) {
      throw new WeakSecretException("The master secret has fewer than 10 distinct characters and looks"
          + " weak: generate a random one, for example with `openssl rand -base64 48`");
    }
    byte[] ikm = secret.toString().getBytes(StandardCharsets.UTF_8);
    try {
      byte[] key = Hkdf.computeHkdf("HMACSHA256", ikm, HKDF_SALT, INFO_KEY, 32);
      byte[] fp = Hkdf.computeHkdf("HMACSHA256", ikm, HKDF_SALT, INFO_FINGERPRINT, 8);
      Aead aead = rawAesGcm(key);
      Arrays.fill(key, (byte) 0);
      return new SimpleKek("master-secret:" + HexFormat.of().formatHex(fp), aead);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 is unavailable in this JVM", e);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /**
   * A KEK from a Tink AEAD keyset stored in plaintext JSON in a local file (a "master key" file, as
   * {@code tinkey create-keyset --key-template AES256_GCM} writes). Protect the file like a password.
   */
  public static KeyEncryptionKey fromLocalKeysetFile(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new VaultConfigurationException("Cannot read the master keyset file " + file
          + ": check the path and its permissions", e);
    }
    return fromLocalKeysetJson(json, "file " + file.getFileName());
  }

  /** A KEK from a Tink AEAD keyset in plaintext JSON (see {@link #fromLocalKeysetFile}). */
  public static KeyEncryptionKey fromLocalKeysetJson(String tinkKeysetJson, String where) {
    TinkSetup.ensureRegistered();
    try {
      KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(tinkKeysetJson, InsecureSecretKeyAccess.get());
      Aead aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
      return new SimpleKek("local-keyset:" + Integer.toUnsignedString(handle.getPrimary().getId()), aead);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new VaultConfigurationException("The master keyset (" + where + ") is not a valid Tink AEAD"
          + " keyset in JSON: create one with KeyEncryptionKeys.generateLocalKeysetJson() or tinkey", e);
    }
  }

  /** A new random AES-256-GCM Tink keyset in plaintext JSON, to serve as a local master keyset. */
  public static String generateLocalKeysetJson() {
    TinkSetup.ensureRegistered();
    try {
      return TinkJsonProtoKeysetFormat.serializeKeyset(
          KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an AES256_GCM keyset", e);
    }
  }

  /**
   * A KEK held by a KMS, through any Tink {@link KmsClient}. The KMS is called when a keyset is loaded
   * or saved, never per value.
   */
  public static KeyEncryptionKey fromKms(KmsClient client, String keyUri) {
    if (!client.doesSupport(keyUri)) {
      throw new VaultConfigurationException("The KMS client " + client.getClass().getSimpleName()
          + " does not support key URI '" + keyUri + "'");
    }
    try {
      return new SimpleKek("kms:" + keyUri, client.getAead(keyUri));
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException("The KMS key '" + keyUri + "' is not available: check the URI,"
          + " the credentials and the network", e);
    }
  }

  /** A KEK from a KMS key URI, through the {@link KmsClient} registered with Tink's {@link KmsClients}. */
  public static KeyEncryptionKey fromKms(String keyUri) {
    try {
      return fromKms(KmsClients.get(keyUri), keyUri);
    } catch (GeneralSecurityException e) {
      throw new VaultConfigurationException("No Tink KmsClient is registered for '" + keyUri
          + "': add the provider's Tink integration (e.g. tink-awskms, tink-gcpkms) and register it", e);
    }
  }

  private static Aead rawAesGcm(byte[] key) throws GeneralSecurityException {
    AesGcmParameters params = AesGcmParameters.builder()
        .setKeySizeBytes(32).setIvSizeBytes(12).setTagSizeBytes(16)
        .setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
    return AesGcmJce.create(AesGcmKey.builder()
        .setParameters(params)
        .setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get()))
        .build());
  }

  private static final class SimpleKek implements KeyEncryptionKey {
    private final String id;
    private final Aead aead;

    SimpleKek(String id, Aead aead) {
      this.id = id;
      this.aead = aead;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Aead aead() {
      return aead;
    }

    @Override
    public String toString() {
      return "KeyEncryptionKey{" + id + "}";
    }
  }
}
