package dev.fieldvault.cli;

import dev.fieldvault.secrets.BackupReport;
import dev.fieldvault.secrets.ListQuery;
import dev.fieldvault.secrets.Page;
import dev.fieldvault.secrets.PutOptions;
import dev.fieldvault.secrets.SecretInfo;
import dev.fieldvault.secrets.SecretResult;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretStoreNotFoundException;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretVersion;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.Status;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.secrets.WriteResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fieldvault secrets ...}: the secrets vault of an application's database. Values are read from
 * an environment variable, a file or standard input, never from the command line, and printed only
 * by {@code get --reveal}.
 */
@Command(name = "secrets", mixinStandardHelpOptions = true,
    description = {"Read and manage a namespace of the secrets vault (tables from FieldVault's secrets changelog).",
        "Values never appear on the command line or in the output, except with `get --reveal`."},
    subcommands = {SecretsCommand.Put.class, SecretsCommand.Get.class, SecretsCommand.ListSecrets.class,
        SecretsCommand.Versions.class, SecretsCommand.Rollback.class, SecretsCommand.Remove.class,
        SecretsCommand.Export.class, SecretsImportCommand.class, SecretsStoreCommand.class, SecretsStoreCommand.ExportAll.class,
        SecretsEventsCommand.class, SecretsRotateCommand.class, SecretsRotateCommand.Counts.class})
final class SecretsCommand implements Runnable {

  @ParentCommand
  FieldVaultCli root;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every secrets subcommand shares: the database, the keys, the vault tables. */
  abstract static class VaultCommand extends SecretsVaultCommand {
    @ParentCommand
    SecretsCommand secrets;

    @Option(names = "--as", paramLabel = "PRINCIPAL", defaultValue = "fieldvault-cli",
        description = "Who acts, as recorded in the audit log (default: ${DEFAULT-VALUE}).")
    String principal;

    @Override
    Function<String, String> env() {
      return secrets.root.env;
    }

    /** Fails with a message that says what the status means. */
    static CliException failed(String what, Status status) {
      String why = switch (status) {
        case NOT_FOUND -> "not found";
        case EXPIRED -> "expired (a cleanup deletes it after the retention window; put a new value to renew it)";
        case KEY_UNAVAILABLE -> "its key is disabled, destroyed or not loaded (name the keysets with --aead/--prf)";
        case ACCESS_DENIED -> "access denied by the namespace's policy";
        case CONFLICT -> "changed concurrently: read it again and retry";
        default -> status.name();
      };
      return new CliException(what + ": " + why);
    }
  }

  /** A subcommand on one namespace (store). */
  abstract static class StoreCommand extends VaultCommand {
    @Option(names = {"-n", "--namespace"}, required = true, paramLabel = "NAMESPACE", description = "The namespace (store).")
    String namespace;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "The namespace's tenant, if it has one.")
    String tenant;

    @Mixin
    CallerSecretOptions caller = new CallerSecretOptions();

    SecretStore store(SecretsVault vault) {
      SecretStore store;
      try {
        store = vault.store(namespace, tenant).as(principal);
      } catch (SecretStoreNotFoundException e) {
        throw new CliException("no namespace '" + namespace + "'" + (tenant == null ? "" : " of tenant " + tenant)
            + ": create it with `secrets create-store` or `secrets put --create-namespace`, or check --secrets-prefix");
      }
      return open(store);
    }

    /** The store opened with the caller's secret when it is sealed; refuses a secret it does not take. */
    SecretStore open(SecretStore store) {
      byte[] secret = caller.read(secrets.root, env());
      if (store.isSealed() && secret == null) {
        throw new CliException("namespace '" + namespace + "' is sealed: give its caller secret with --secret-env VAR"
            + " or --secret-file FILE");
      }
      if (!store.isSealed() && secret != null) {
        throw new CliException("namespace '" + namespace + "' is not sealed: it takes no caller secret (drop"
            + " --secret-env/--secret-file)");
      }
      return secret == null ? store : store.withSecret(secret);
    }

    String label(String name) {
      return namespace + "/" + name;
    }
  }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Write a new version of a secret. The value comes from --value-env, --value-file or standard input.")
  static final class Put extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--value-env", paramLabel = "VAR", description = "Environment variable holding the value.")
    String valueEnv;

    @Option(names = "--value-file", paramLabel = "FILE", description = "File holding the value.")
    Path valueFile;

    @Option(names = "--type", defaultValue = "STRING", description = "STRING, JSON (an object) or BYTES (default: ${DEFAULT-VALUE}).")
    SecretValue.Type type;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Plaintext metadata (listed as is: never a secret).")
    Map<String, String> metadata;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "Expires after this long: 30d, 12h, 15m, 90s or ISO-8601 (PT1H).")
    String ttl;

    @Option(names = "--expected-version", paramLabel = "N",
        description = "Write only if the current version is N (0: only if it does not exist yet).")
    Long expectedVersion;

    @Option(names = "--create-namespace", description = "Create the namespace if it does not exist.")
    boolean create;

    @Override
    public Integer call() {
      byte[] raw = readValue();
      SecretValue value = switch (type) {
        case STRING -> SecretValue.ofString(new String(raw, StandardCharsets.UTF_8));
        case JSON -> SecretValue.ofJson(new String(raw, StandardCharsets.UTF_8));
        case BYTES -> SecretValue.ofBytes(raw);
      };
      PutOptions.Builder options = PutOptions.builder();
      if (metadata != null) {
        options.metadata(new LinkedHashMap<>(metadata));
      }
      if (ttl != null) {
        options.ttl(parseDuration(ttl));
      }
      if (expectedVersion != null) {
        options.expectedVersion(expectedVersion);
      }
      SecretsVault vault = vault();
      SecretStore store;
      try {
        store = vault.store(namespace, tenant).as(principal);
      } catch (SecretStoreNotFoundException e) {
        if (!create) {
          throw new CliException("no namespace '" + namespace + "': add --create-namespace to create it (or create"
              + " it with its options with `secrets create-store`)");
        }
        store = vault.createStore(namespace, tenant, StoreOptions.DEFAULT).as(principal);
        out().println("created namespace " + namespace);
      }
      store = open(store);
      WriteResult w = store.put(name, value, options.build());
      if (!w.isWritten()) {
        throw failed("cannot write " + label(name), w.status());
      }
      out().println("wrote " + label(name) + " version " + w.version() + " (" + type + ", " + raw.length + " bytes)");
      return 0;
    }

    private byte[] readValue() {
      if (valueEnv != null && valueFile != null) {
        throw new CliException("give the value once: --value-env or --value-file");
      }
      try {
        if (valueEnv != null) {
          String v = secrets.root.env.apply(valueEnv);
          if (v == null) {
            throw new CliException(valueEnv + " is not set: it must hold the value");
          }
          return v.getBytes(StandardCharsets.UTF_8);
        }
        if (valueFile != null) {
          return Files.readAllBytes(valueFile);
        }
        byte[] in = secrets.root.in.readAllBytes();
        if (in.length == 0) {
          throw new CliException("no value: pipe it to standard input, or use --value-env VAR or --value-file FILE");
        }
        return in;
      } catch (IOException e) {
        throw new CliException("cannot read the value: " + e.getMessage());
      }
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Show a secret's version, type, metadata and expiry; its value only with --reveal.")
  static final class Get extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--at-version", paramLabel = "N", description = "A kept older version.")
    Long version;

    @Option(names = "--reveal", description = "Print the value (base64 for BYTES) on the last line.")
    boolean reveal;

    @Override
    public Integer call() {
      SecretStore store = store(vault());
      SecretResult r = version == null ? store.get(name) : store.getVersion(name, version);
      if (!r.isFound()) {
        throw failed(label(name) + (version == null ? "" : " version " + version), r.status());
      }
      SecretValue v = r.value();
      PrintWriter out = out();
      out.println("name:     " + label(name));
      out.println("version:  " + r.version());
      out.println("type:     " + v.type());
      out.println("metadata: " + (r.metadata() == null ? "{}" : new TreeMap<>(r.metadata())));
      out.println("updated:  " + r.updatedAt());
      out.println("expires:  " + (r.expiresAt() == null ? "never" : r.expiresAt()));
      if (reveal) {
        out.println(v.type() == SecretValue.Type.BYTES ? Base64.getEncoder().encodeToString(v.asBytes()) : v.asString());
      } else {
        out.println("value:    (hidden, " + v.asBytes().length + " bytes; add --reveal to print it)");
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a namespace's secrets (names and metadata, never values).")
  static final class ListSecrets extends StoreCommand {
    @Option(names = "--limit", defaultValue = "100", description = "Entries per page, 1 to 10000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", description = "Continue after this cursor (printed when there are more), with the same"
        + " --order and --desc.")
    String cursor;

    @Option(names = "--order", defaultValue = "name", paramLabel = "name|updated",
        description = "Order by name or by update time (ties by name) (default: ${DEFAULT-VALUE}).")
    String order;

    @Option(names = "--desc", description = "Descending order.")
    boolean descending;

    @Option(names = "--state", paramLabel = "active|expired", description = "Only active or only expired entries.")
    String state;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Only entries with this metadata (repeat: all"
        + " must match).")
    Map<String, String> metadata;

    @Override
    public Integer call() {
      ListQuery query = switch (order.toLowerCase(Locale.ROOT)) {
        case "name" -> ListQuery.byName();
        case "updated", "updatedat", "updated-at" -> ListQuery.byUpdatedAt();
        default -> throw new CliException("bad --order '" + order + "': use name or updated");
      };
      if (descending) {
        query = query.descending();
      }
      if (state != null) {
        query = query.state(switch (state.toLowerCase(Locale.ROOT)) {
          case "active" -> SecretInfo.State.ACTIVE;
          case "expired" -> SecretInfo.State.EXPIRED;
          default -> throw new CliException("bad --state '" + state + "': use active or expired");
        });
      }
      if (metadata != null) {
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          query = query.metadata(e.getKey(), e.getValue());
        }
      }
      if (limit < 1 || limit > 10_000) {
        throw new CliException("bad --limit " + limit + ": 1 to 10000 entries per page");
      }
      Page<SecretInfo> page = store(vault()).list(query.after(cursor).limit(limit));
      PrintWriter out = out();
      out.printf("%-32s %-8s %-8s %-26s %-26s %s%n", "NAME", "VERSION", "STATE", "UPDATED", "EXPIRES", "METADATA");
      for (SecretInfo i : page.items()) {
        out.printf("%-32s %-8d %-8s %-26s %-26s %s%n", i.name(), i.version(), i.state(), i.updatedAt(),
            i.expiresAt() == null ? "never" : i.expiresAt(), i.metadata() == null ? "{}" : new TreeMap<>(i.metadata()));
      }
      if (page.hasNext()) {
        out.println("more: --cursor " + page.nextCursor());
      }
      return 0;
    }
  }

  @Command(name = "versions", mixinStandardHelpOptions = true, description = "List the kept versions of a secret (never values).")
  static final class Versions extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      java.util.List<SecretVersion> versions = store(vault()).versions(name);
      if (versions.isEmpty()) {
        throw failed(label(name), Status.NOT_FOUND);
      }
      out().printf("%-8s %-26s %s%n", "VERSION", "CREATED", "BY");
      for (SecretVersion v : versions) {
        out().printf("%-8d %-26s %s%n", v.version(), v.createdAt(), v.createdBy());
      }
      return 0;
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Write an older version's value and metadata again, as a new version.")
  static final class Rollback extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--to", required = true, paramLabel = "VERSION", description = "The kept version to restore.")
    long to;

    @Override
    public Integer call() {
      WriteResult w = store(vault()).rollback(name, to);
      if (!w.isWritten()) {
        throw failed("cannot roll " + label(name) + " back to version " + to, w.status());
      }
      out().println("rolled " + label(name) + " back to version " + to + ": now version " + w.version());
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete a secret and all its versions.")
  static final class Remove extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      Status s = store(vault()).remove(name);
      if (s != Status.OK) {
        throw failed("cannot remove " + label(name), s);
      }
      out().println("removed " + label(name));
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write a namespace to a file; values stay encrypted as stored (import needs the same keys).")
  static final class Export extends StoreCommand {
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE")
    Path file;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @Override
    public Integer call() {
      if (Files.exists(file) && !force) {
        throw new CliException(file + " exists: choose another file, or --force to overwrite it");
      }
      SecretsVault vault = vault();
      try {
        vault.store(namespace, tenant);   // a clear message when the namespace does not exist
      } catch (SecretStoreNotFoundException e) {
        throw new CliException("no namespace '" + namespace + "'" + (tenant == null ? "" : " of tenant " + tenant)
            + ": check -n, --tenant and --secrets-prefix");
      }
      BackupReport r = vault.exportStore(namespace, tenant, file);
      out().println("exported " + r.entries() + " secrets (" + r.versions() + " kept versions) of " + namespace + " to " + file);
      return 0;
    }
  }

  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 'd' -> Duration.ofDays(n);
        case 'h' -> Duration.ofHours(n);
        case 'm' -> Duration.ofMinutes(n);
        case 's' -> Duration.ofSeconds(n);
        default -> throw new NumberFormatException();
      };
    } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new CliException("bad duration '" + text + "': use 30d, 12h, 15m, 90s or ISO-8601 such as PT1H");
    }
  }
}
