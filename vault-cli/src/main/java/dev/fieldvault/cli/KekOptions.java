package dev.fieldvault.cli;

import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** How a command finds the key-encryption key. Secrets come from the environment or a file, never argv. */
final class KekOptions {

  @Option(names = "--master-secret-env", paramLabel = "VAR", defaultValue = "FIELDVAULT_MASTER_SECRET",
      description = "Environment variable holding the master secret (default: ${DEFAULT-VALUE}).")
  String masterSecretEnv = "FIELDVAULT_MASTER_SECRET";

  @Option(names = "--master-secret-file", paramLabel = "FILE",
      description = "File holding the master secret (instead of the environment variable).")
  Path masterSecretFile;

  @Option(names = "--master-keyset", paramLabel = "FILE",
      description = "A Tink AEAD keyset file (plaintext JSON) used as the KEK instead of a master secret.")
  Path masterKeyset;

  @Option(names = "--kms-uri", paramLabel = "URI",
      description = "A KMS key URI served by a Tink KmsClient registered in this JVM.")
  String kmsUri;

  KeyEncryptionKey resolve(Function<String, String> env) {
    if (masterKeyset != null) {
      return KeyEncryptionKeys.fromLocalKeysetFile(masterKeyset);
    }
    if (kmsUri != null) {
      return KeyEncryptionKeys.fromKms(kmsUri);
    }
    if (masterSecretFile != null) {
      try {
        return KeyEncryptionKeys.fromMasterSecret(Files.readString(masterSecretFile, StandardCharsets.UTF_8).trim());
      } catch (IOException e) {
        throw new CliException("cannot read the master secret file " + masterSecretFile + ": " + e.getMessage());
      }
    }
    String secret = env.apply(masterSecretEnv);
    if (secret == null || secret.isBlank()) {
      throw new CliException("no key-encryption key: set " + masterSecretEnv + " to the master secret (make one"
          + " with `openssl rand -base64 48`), or pass --master-secret-file, --master-keyset or --kms-uri");
    }
    return KeyEncryptionKeys.fromMasterSecret(secret);
  }
}
