package dev.fieldvault.keys;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Writes the stored test vector of the branch key document format 1
 * (src/test/resources/vectors/branch-key-v1.json): a branch key wrapped by a master secret, a keyset
 * document wrapped by that branch key, and a value encrypted with that keyset. Run once; the file is
 * then frozen and {@link BranchKeyTest} opens it in every build. Never regenerate it to make a failing
 * test pass: a failure means the stored form changed.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat cp.txt) dev.fieldvault.keys.BranchKeyVectorGenerator out.json</pre>
 */
public final class BranchKeyVectorGenerator {

  static final String MASTER_SECRET = "branch-key-vector-master-secret-NOT-FOR-USE-7d31e0";

  public static void main(String[] args) throws Exception {
    KeyEncryptionKey master = KeyEncryptionKeys.fromMasterSecret(MASTER_SECRET);
    BranchKey branch = BranchKey.generate("tv-branch");
    VaultKeyset keyset = VaultKeyset.generate("tv-branch-aead", KeyAlgorithm.AES256_GCM);
    byte[] plaintext = "branch key vector".getBytes(StandardCharsets.UTF_8);
    byte[] ciphertext = FieldCipher.create(Keyring.of(keyset, null, null))
        .encrypt(plaintext, EncryptionContext.of("customer", "email"), EncryptionMode.RANDOMIZED);

    JsonObject root = new JsonObject();
    root.addProperty("format", "fieldvault-branch-key/1");
    root.addProperty("note", "Test keys only. Frozen: every build must open these. See docs/FORMAT.md 6.1.");
    root.add("branchKeyDocument", JsonParser.parseString(branch.toWrappedJson(master)));
    root.addProperty("branchKeyId", branch.id());
    root.add("keysetDocument", JsonParser.parseString(keyset.toEncryptedJson(branch)));
    root.addProperty("domain", "customer");
    root.addProperty("field", "email");
    root.addProperty("plaintextB64", Base64.getEncoder().encodeToString(plaintext));
    root.addProperty("ciphertextB64", Base64.getEncoder().encodeToString(ciphertext));
    Files.writeString(Path.of(args[0]), new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n");
  }
}
