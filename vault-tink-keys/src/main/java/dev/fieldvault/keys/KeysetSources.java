package dev.fieldvault.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Factories for {@link KeysetSource}s: encrypted files, environment variables, and a dev-only plaintext file. */
public final class KeysetSources {

  private static final Logger LOG = LoggerFactory.getLogger(KeysetSources.class);

  private KeysetSources() {}

  /**
   * A keyset document encrypted under {@code kek}, in a file. {@link KeysetSource#store} writes the
   * file atomically (a temporary file, then a rename), so a crash never leaves half a keyset.
   */
  public static KeysetSource encryptedFile(Path file, KeyEncryptionKey kek) {
    return new FileSource(file, kek);
  }

  /** A keyset document encrypted under {@code kek}, in an environment variable (JSON or base64 of it). */
  public static KeysetSource environment(String variable, KeyEncryptionKey kek) {
    return environment(variable, kek, System::getenv);
  }

  /** As {@link #environment(String, KeyEncryptionKey)}, reading variables through {@code env}. */
  public static KeysetSource environment(String variable, KeyEncryptionKey kek, Function<String, String> env) {
    return new KeysetSource() {
      @Override
      public VaultKeyset load() {
        String value = env.apply(variable);
        if (value == null || value.isBlank()) {
          throw new VaultConfigurationException("The environment variable " + variable + " is not set:"
              + " it must hold a FieldVault keyset document (JSON, or base64 of it)");
        }
        String json = value.trim();
        if (!json.startsWith("{")) {
          try {
            json = new String(java.util.Base64.getDecoder().decode(json), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            throw new VaultConfigurationException("The environment variable " + variable
                + " holds neither JSON nor base64 of a FieldVault keyset document");
          }
        }
        return VaultKeyset.fromEncryptedJson(json, kek);
      }

      @Override
      public String toString() {
        return "environment variable " + variable;
      }
    };
  }

  /**
   * <b>Insecure, for development only:</b> a keyset stored in plaintext in a file. Logs a warning on
   * every load and save. Never use it for data that matters.
   */
  public static KeysetSource insecurePlaintextFile(Path file) {
    return new KeysetSource() {
      @Override
      public VaultKeyset load() {
        LOG.warn("INSECURE: loading keyset from plaintext file {} (development only; use an encrypted"
            + " keyset source in production)", file);
        return VaultKeyset.fromInsecurePlaintextJson(read(file));
      }

      @Override
      public void store(VaultKeyset keyset) {
        LOG.warn("INSECURE: writing keyset '{}' in plaintext to {} (development only)", keyset.name(), file);
        writeAtomically(file, keyset.toInsecurePlaintextJson());
      }

      @Override
      public boolean isWritable() {
        return true;
      }

      @Override
      public String toString() {
        return "INSECURE plaintext file " + file;
      }
    };
  }

  private static final class FileSource implements KeysetSource {
    private final Path file;
    private final KeyEncryptionKey kek;

    FileSource(Path file, KeyEncryptionKey kek) {
      this.file = file;
      this.kek = kek;
    }

    @Override
    public VaultKeyset load() {
      return VaultKeyset.fromEncryptedJson(read(file), kek);
    }

    @Override
    public void store(VaultKeyset keyset) {
      writeAtomically(file, keyset.toEncryptedJson(kek));
    }

    @Override
    public boolean isWritable() {
      return true;
    }

    @Override
    public String toString() {
      return "encrypted keyset file " + file;
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new VaultConfigurationException("Cannot read keyset file " + file + ": check the path and"
          + " its permissions (generate a keyset with the CLI's `keys generate` if there is none)", e);
    }
  }

  static void writeAtomically(Path file, String content) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new VaultConfigurationException("Cannot write keyset file " + file + ": " + e.getMessage(), e);
    }
  }
}
