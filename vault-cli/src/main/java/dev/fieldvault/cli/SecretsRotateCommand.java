package dev.fieldvault.cli;

import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretStoreNotFoundException;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreCounts;
import dev.fieldvault.secrets.WriteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fieldvault secrets rotate}: a new value for an existing secret (metadata and expiry kept), from
 * an environment variable, a file, standard input or a built-in generator; never from the command line,
 * and never printed.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = {"Give an existing secret a new value (a new version; metadata and expiry kept).",
        "The value comes from --value-env, --value-file, standard input or --generate; it is never printed."})
final class SecretsRotateCommand extends SecretsCommand.StoreCommand {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(names = "--value-env", paramLabel = "VAR", description = "Environment variable holding the new value.")
  String valueEnv;

  @Option(names = "--value-file", paramLabel = "FILE", description = "File holding the new value.")
  Path valueFile;

  @Option(names = "--generate", paramLabel = "KIND:N", description = {"Generate the new value: random:N (N random"
      + " bytes as URL-safe base64 text), hex:N (N random bytes as hex text), alnum:N (N random letters and digits),"
      + " bytes:N (N random bytes, a BYTES value); N is 16 to 4096."})
  String generate;

  @Option(names = "--type", defaultValue = "STRING",
      description = "Type of a given value: STRING, JSON (an object) or BYTES (default: ${DEFAULT-VALUE}).")
  SecretValue.Type type;

  @Option(names = "--expected-version", paramLabel = "N", description = "Rotate only if the current version is N.")
  Long expectedVersion;

  @Override
  public Integer call() {
    SecretValue value = generate != null ? generated() : given();
    SecretStore store = store(vault());
    WriteResult w = expectedVersion == null ? store.rotate(name, value) : store.rotate(name, value, expectedVersion);
    if (!w.isWritten()) {
      throw failed("cannot rotate " + label(name), w.status());
    }
    out().println("rotated " + label(name) + ": now version " + w.version() + " (" + value.type() + ", "
        + value.asBytes().length + " bytes" + (generate == null ? "" : ", generated " + generate) + ")");
    return 0;
  }

  private SecretValue generated() {
    if (valueEnv != null || valueFile != null) {
      throw new CliException("give the new value once: --generate, --value-env or --value-file");
    }
    String[] parts = generate.toLowerCase(Locale.ROOT).split(":", 2);
    int n;
    try {
      n = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 16 || n > 4096) {
      throw new CliException("bad --generate '" + generate + "': use random:N, hex:N, alnum:N or bytes:N with N from"
          + " 16 to 4096 (for example random:32)");
    }
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return switch (parts[0]) {
      case "random" -> SecretValue.ofString(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
      case "hex" -> SecretValue.ofString(HexFormat.of().formatHex(b));
      case "bytes" -> SecretValue.ofBytes(b);
      case "alnum" -> {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
          s.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        yield SecretValue.ofString(s.toString());
      }
      default -> throw new CliException("bad --generate '" + generate + "': the kind is random, hex, alnum or bytes");
    };
  }

  private SecretValue given() {
    if (valueEnv != null && valueFile != null) {
      throw new CliException("give the new value once: --value-env or --value-file");
    }
    byte[] raw;
    try {
      if (valueEnv != null) {
        String v = secrets.root.env.apply(valueEnv);
        if (v == null) {
          throw new CliException(valueEnv + " is not set: it must hold the new value");
        }
        raw = v.getBytes(StandardCharsets.UTF_8);
      } else if (valueFile != null) {
        raw = Files.readAllBytes(valueFile);
      } else {
        raw = secrets.root.in.readAllBytes();
        if (raw.length == 0) {
          throw new CliException("no value: pipe it to standard input, or use --value-env VAR, --value-file FILE or"
              + " --generate random:32");
        }
      }
    } catch (IOException e) {
      throw new CliException("cannot read the value (" + e.getClass().getSimpleName() + ")");
    }
    secrets.root.secret(new String(raw, StandardCharsets.UTF_8));
    return switch (type) {
      case STRING -> SecretValue.ofString(new String(raw, StandardCharsets.UTF_8));
      case JSON -> SecretValue.ofJson(new String(raw, StandardCharsets.UTF_8));
      case BYTES -> SecretValue.ofBytes(raw);
    };
  }

  /** {@code fieldvault secrets counts}: a namespace's entries, expired entries and kept versions. */
  @Command(name = "counts", mixinStandardHelpOptions = true,
      description = "Count a namespace's secrets, expired ones and kept versions (no names or values; sealed"
          + " namespaces need no caller secret).")
  static final class Counts extends SecretsCommand.StoreCommand {
    @Override
    public Integer call() {
      SecretsVault vault = vault();
      SecretStore store;
      try {
        store = vault.store(namespace, tenant).as(principal);
      } catch (SecretStoreNotFoundException e) {
        throw new CliException("no namespace '" + namespace + "'" + (tenant == null ? "" : " of tenant " + tenant)
            + ": check -n, --tenant and --secrets-prefix");
      }
      StoreCounts c = store.counts();
      out().println("namespace: " + namespace + (tenant == null ? "" : " (tenant " + tenant + ")")
          + (store.isSealed() ? ", sealed" : ""));
      out().println("entries:   " + c.entries());
      out().println("expired:   " + c.expired() + " (not yet cleaned up)");
      out().println("versions:  " + c.versions());
      return 0;
    }
  }
}
