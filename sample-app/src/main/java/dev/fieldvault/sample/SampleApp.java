package dev.fieldvault.sample;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.KeysetSource;
import dev.fieldvault.keys.KeysetSources;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.keys.VaultKeyset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Base64;

/**
 * FieldVault's sample application. Keys live in {@code ./fieldvault-demo} (or the directory given as
 * the first argument): on the first run it generates keysets there, encrypted under a master secret
 * from {@code FIELDVAULT_MASTER_SECRET} or, for the demo only, a generated one kept beside them.
 */
public final class SampleApp {

  private final PrintStream out;
  private final Path home;

  SampleApp(PrintStream out, Path home) {
    this.out = out;
    this.home = home;
  }

  public static void main(String[] args) throws IOException {
    Path home = Path.of(args.length > 0 ? args[0] : "fieldvault-demo");
    new SampleApp(System.out, home).run();
  }

  void run() throws IOException {
    out.println("FieldVault sample — keys in " + home.toAbsolutePath());
    KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret(masterSecret());
    Keyring keyring = Keyring.of(load(kek, "demo-aead", KeyPurpose.AEAD),
        load(kek, "demo-daead", KeyPurpose.DETERMINISTIC_AEAD), load(kek, "demo-prf", KeyPurpose.PRF));
    FieldCipher cipher = FieldCipher.create(keyring);
    out.println("KEK: " + kek.id() + "; AEAD primary key ordinal " + keyring.aead().orElseThrow().primary().ordinal());

    FieldEncryptor<String> name = cipher.field(FieldSpec.builder("Customer", "name", String.class).build());
    FieldEncryptor<String> email = cipher.field(FieldSpec.builder("Customer", "email", String.class)
        .mode(EncryptionMode.DETERMINISTIC).build());
    FieldEncryptor<String> phone = cipher.field(FieldSpec.builder("Customer", "phone", String.class)
        .blindIndex(16, Normalizers.caseInsensitive()).build());
    FieldEncryptor<LocalDate> birthday = cipher.field(FieldSpec.builder("Customer", "birthday", LocalDate.class)
        .rowBound(true).build());

    out.println();
    out.println("1. Encrypt a customer's fields (stored form = base64 of the binary ciphertext)");
    long customerId = 1001L;
    String storedName = name.encryptToText("Ada Lovelace", null, null);
    String storedEmail = email.encryptToText("ada@example.com", null, null);
    String storedPhone = phone.encryptToText("+44 20 7946 0000", null, null);
    String storedBirthday = birthday.encryptToText(LocalDate.of(1815, 12, 10), null, customerId);
    show("name (randomized)", storedName);
    show("email (deterministic)", storedEmail);
    show("phone (randomized)", storedPhone);
    out.println("   phone blind index      " + Base64.getEncoder().encodeToString(phone.blindIndex("+44 20 7946 0000", null)));
    show("birthday (row-bound)", storedBirthday);

    out.println();
    out.println("2. Decrypt them back");
    out.println("   name     = " + name.decryptText(storedName, null, null));
    out.println("   email    = " + email.decryptText(storedEmail, null, null));
    out.println("   phone    = " + phone.decryptText(storedPhone, null, null));
    out.println("   birthday = " + birthday.decryptText(storedBirthday, null, customerId));

    out.println();
    out.println("3. Deterministic fields are queryable by equality; randomized ones are not");
    out.println("   email encrypted again is equal:   " + storedEmail.equals(email.encryptToText("ada@example.com", null, null)));
    out.println("   name encrypted again is equal:    " + storedName.equals(name.encryptToText("Ada Lovelace", null, null)));

    out.println();
    out.println("4. A ciphertext is bound to its place");
    try {
      birthday.decryptText(storedBirthday, null, 1002L);
      out.println("   UNEXPECTED: a row-bound value decrypted for another row");
    } catch (FieldVaultException e) {
      out.println("   copied to row 1002 -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    byte[] tampered = Base64.getDecoder().decode(storedName);
    tampered[tampered.length - 1] ^= 1;
    try {
      name.decrypt(tampered);
      out.println("   UNEXPECTED: a tampered value decrypted");
    } catch (FieldVaultException e) {
      out.println("   one bit flipped     -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    out.println();
    out.println("Done.");
  }

  private void show(String label, String stored) {
    CiphertextHeader h = CiphertextHeader.parseText(stored);
    out.printf("   %-22s %s  [%s, key id %s]%n", label, stored, h.mode(), Integer.toUnsignedString(h.keyId()));
  }

  private VaultKeyset load(KeyEncryptionKey kek, String keysetName, KeyPurpose purpose) {
    Path file = home.resolve(keysetName + ".json");
    KeysetSource source = KeysetSources.encryptedFile(file, kek);
    if (Files.exists(file)) {
      return source.load();
    }
    VaultKeyset ks = VaultKeyset.generate(keysetName, purpose);
    source.store(ks);
    out.println("Generated keyset " + keysetName + " -> " + file);
    return ks;
  }

  private String masterSecret() throws IOException {
    String env = System.getenv("FIELDVAULT_MASTER_SECRET");
    if (env != null && !env.isBlank()) {
      return env;
    }
    Path file = home.resolve("DEMO-ONLY-master-secret.txt");
    if (!Files.exists(file)) {
      Files.createDirectories(home);
      byte[] random = new byte[48];
      new SecureRandom().nextBytes(random);
      Files.writeString(file, Base64.getEncoder().encodeToString(random), StandardCharsets.UTF_8);
    }
    out.println("WARNING: FIELDVAULT_MASTER_SECRET is not set; using the demo master secret in " + file
        + " (for this demo only: never keep a master secret beside the data it protects)");
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }
}
