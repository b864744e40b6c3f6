package dev.fieldvault.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The caller's secret of a sealed namespace: from an environment variable or a file, never from the
 * command line (it would stay in the shell history and the process list): {@code --secret} and
 * {@code --caller-secret} are refused before anything runs ({@link CommandLineValues}), never echoed.
 */
final class CallerSecretOptions {

  @Option(names = "--secret-env", paramLabel = "VAR",
      description = "Sealed namespaces: environment variable holding the caller's secret (at least 16 bytes).")
  String secretEnv;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "Sealed namespaces: file holding the caller's secret (one trailing line break is dropped).")
  Path secretFile;

  boolean given() {
    return secretEnv != null || secretFile != null;
  }

  /** The secret's bytes, remembered by {@code root} so that no message carries it; null when not given. */
  byte[] read(FieldVaultCli root, Function<String, String> env) {
    if (secretEnv != null && secretFile != null) {
      throw new CliException("give the caller secret once: --secret-env or --secret-file");
    }
    if (secretEnv != null) {
      String v = env.apply(secretEnv);
      if (v == null || v.isEmpty()) {
        throw new CliException(secretEnv + " is not set: it must hold the sealed namespace's caller secret");
      }
      root.secret(v);
      return v.getBytes(StandardCharsets.UTF_8);
    }
    if (secretFile != null) {
      byte[] b;
      try {
        b = Files.readAllBytes(secretFile);
      } catch (IOException e) {
        throw new CliException("cannot read the caller secret file " + secretFile + " ("
            + e.getClass().getSimpleName() + ")");
      }
      int n = b.length;
      if (n > 0 && b[n - 1] == '\n') {
        n--;
        if (n > 0 && b[n - 1] == '\r') {
          n--;
        }
      }
      if (n == 0) {
        throw new CliException("the caller secret file " + secretFile + " is empty");
      }
      byte[] secret = Arrays.copyOf(b, n);
      root.secret(new String(secret, StandardCharsets.UTF_8));
      return secret;
    }
    return null;
  }
}
