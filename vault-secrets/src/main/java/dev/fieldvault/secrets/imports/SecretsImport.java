package dev.fieldvault.secrets.imports;

import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.secrets.InvalidSecretNameException;
import dev.fieldvault.secrets.PutOptions;
import dev.fieldvault.secrets.SecretsAccessDeniedException;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretVersion;
import dev.fieldvault.secrets.Status;
import dev.fieldvault.secrets.WriteResult;
import dev.fieldvault.secrets.imports.ImportReport.Item;
import dev.fieldvault.secrets.imports.ImportReport.Outcome;
import dev.fieldvault.secrets.imports.SecretsImportException.Reason;
import dev.fieldvault.secrets.imports.internal.AwsSecretsFile;
import dev.fieldvault.secrets.imports.internal.DotenvFile;
import dev.fieldvault.secrets.imports.internal.SourceSecret;
import dev.fieldvault.secrets.imports.internal.VaultKvFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Imports secrets from the files other products export (HashiCorp Vault KV v2 JSON, AWS Secrets
 * Manager JSON, {@code .env}) into a {@link SecretStore}, through its public operations: every write is
 * audited and checked by the store's access policy as the store's principal.
 *
 * <pre>{@code
 * SecretsImport source = SecretsImport.read(ImportFormat.DOTENV, Path.of("prod.env"));
 * ImportReport plan = source.dryRun(store);                        // what would be created, updated, skipped
 * ImportReport done = source.onConflict(ConflictPolicy.OVERWRITE).into(store);
 * }</pre>
 *
 * <p>All or nothing, as far as the store's operations allow: the whole file is parsed and every name
 * checked against the store before anything is written (a malformed file, an invalid name, or an existing
 * name under {@link ConflictPolicy#FAIL} writes nothing); each write is a compare-and-set against what the
 * check saw; if one is refused or fails, the writes done before it are undone (created entries removed,
 * overwritten ones rolled back to their previous version, as new versions) and
 * {@link SecretsImportException} with {@link SecretsImportException.Reason#ABORTED} reports them. An
 * overwritten entry of a store keeping one version has no previous version to roll back to (the report
 * says so). Immutable and thread-safe; no value ever appears in a message, a log or a report.
 */
public final class SecretsImport {

  private final ImportFormat format;
  private final List<SourceSecret> secrets;
  private final ConflictPolicy policy;

  private SecretsImport(ImportFormat format, List<SourceSecret> secrets, ConflictPolicy policy) {
    this.format = format;
    this.secrets = secrets;
    this.policy = policy;
  }

  /**
   * Reads and parses a file (UTF-8). A Vault KV file holding one {@code vault kv get} response names its
   * secret after the file (without {@code .json}).
   *
   * @throws SecretsImportException (MALFORMED) naming the line or entry, when the file does not have the
   *     format's shape, is not UTF-8, or names a secret twice
   */
  public static SecretsImport read(ImportFormat format, Path file) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SecretsImportException(Reason.MALFORMED, null, "cannot read " + file + " ("
          + e.getClass().getSimpleName() + "): check the path and its permissions");
    }
    String name = file.getFileName() == null ? "secret" : file.getFileName().toString();
    return parse(format, utf8(bytes, file), name.endsWith(".json") ? name.substring(0, name.length() - 5) : name);
  }

  /**
   * Parses text of the format; {@code defaultName} names the secret of a Vault KV file holding one
   * {@code vault kv get} response.
   *
   * @throws SecretsImportException (MALFORMED) as {@link #read}
   */
  public static SecretsImport parse(ImportFormat format, String text, String defaultName) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(text, "text");
    List<SourceSecret> secrets = switch (format) {
      case VAULT_KV -> VaultKvFile.parse(text, Objects.requireNonNull(defaultName, "defaultName"));
      case AWS_SECRETS_MANAGER -> AwsSecretsFile.parse(text);
      case DOTENV -> DotenvFile.parse(text);
    };
    Map<String, String> seen = new HashMap<>();
    for (SourceSecret s : secrets) {
      String before = seen.putIfAbsent(s.name(), s.location());
      if (before != null) {
        throw new SecretsImportException(Reason.MALFORMED, s.location(), "the name '" + s.name()
            + "' was already given by " + before + ": each name once per file");
      }
    }
    return new SecretsImport(format, List.copyOf(secrets), ConflictPolicy.SKIP);
  }

  /** This import with another conflict policy (default {@link ConflictPolicy#SKIP}). */
  public SecretsImport onConflict(ConflictPolicy conflicts) {
    return new SecretsImport(format, secrets, Objects.requireNonNull(conflicts, "conflicts"));
  }

  public ImportFormat format() {
    return format;
  }

  /** The names in the file, in file order. */
  public List<String> names() {
    return secrets.stream().map(SourceSecret::name).toList();
  }

  /**
   * What {@link #into} would do, writing nothing (it reads each name's versions, as the check before an
   * import does).
   *
   * @throws SecretsImportException (MALFORMED for an invalid name, CONFLICT under {@link ConflictPolicy#FAIL},
   *     ABORTED when the check is refused, e.g. the principal lacks READ: the store's exception is the cause)
   */
  public ImportReport dryRun(SecretStore store) {
    List<Planned> plan = plan(store);
    List<Item> items = new ArrayList<>();
    for (Planned p : plan) {
      items.add(p.item(0));
    }
    return new ImportReport(true, items);
  }

  /**
   * Imports into {@code store}; see the class comment for what happens on a failure. A sealed store
   * keeps no metadata: the source's metadata is then not written.
   *
   * @throws SecretsImportException MALFORMED (an invalid name; nothing written), CONFLICT (nothing
   *     written), ABORTED (the check before the first write was refused, e.g. no READ: nothing written, the
   *     store's exception the cause; or a write failed: the earlier ones undone, as its report says)
   */
  public ImportReport into(SecretStore store) {
    List<Planned> plan = plan(store);
    List<Item> items = new ArrayList<>();
    List<Written> written = new ArrayList<>();
    for (Planned p : plan) {
      if (p.outcome == Outcome.SKIPPED) {
        items.add(p.item(0));
        continue;
      }
      WriteResult w;
      try {
        w = store.put(p.secret.name(), p.secret.value(), p.options(store));
      } catch (FieldVaultException e) {
        throw abort(store, written, items, p, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      if (!w.isWritten()) {
        throw abort(store, written, items, p, w.status() == Status.CONFLICT
            ? "it was written concurrently since the check; run the import again" : "the store answered " + w.status());
      }
      written.add(new Written(p, w.version()));
      items.add(p.item(w.version()));
    }
    return new ImportReport(false, items);
  }

  private List<Planned> plan(SecretStore store) {
    Objects.requireNonNull(store, "store");
    List<Planned> plan = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    for (SourceSecret s : secrets) {
      List<SecretVersion> versions;
      try {
        versions = store.versions(s.name());
      } catch (InvalidSecretNameException e) {
        throw new SecretsImportException(Reason.MALFORMED, s.location(), "the name is not a valid secret name ("
            + e.getMessage() + "): rename it in the file");
      } catch (FieldVaultException e) {
        // the check reads each name's versions: a policy refusing READ (or the database failing) stops the import
        // here, before any write, as one SecretsImportException like every other import failure
        throw new SecretsImportException(Reason.ABORTED, s.location(), "checking '" + s.name() + "' against the"
            + " store failed before any write (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); nothing"
            + " was written" + (e instanceof SecretsAccessDeniedException ? ": an import needs READ as well as"
            + " WRITE on the names it imports (grant READ to the store handle's principal)" : ""),
            new ImportReport(false, List.of()), e);
      }
      long current = versions.isEmpty() ? 0 : versions.get(0).version();
      if (s.skipReason() != null) {
        plan.add(new Planned(s, Outcome.SKIPPED, current, s.skipReason()));
      } else if (current == 0) {
        plan.add(new Planned(s, Outcome.CREATED, 0, null));
      } else if (policy == ConflictPolicy.OVERWRITE) {
        plan.add(new Planned(s, Outcome.UPDATED, current, null));
      } else {
        existing.add(s.name());
        plan.add(new Planned(s, Outcome.SKIPPED, current, "exists (version " + current + ")"));
      }
    }
    if (policy == ConflictPolicy.FAIL && !existing.isEmpty()) {
      throw new SecretsImportException(Reason.CONFLICT, null, existing.size() + " name(s) of the file already"
          + " exist in the store " + store.namespace() + ": " + String.join(", ", existing.subList(0,
          Math.min(10, existing.size()))) + (existing.size() > 10 ? ", ..." : "") + "; nothing was written (use the"
          + " SKIP or OVERWRITE conflict policy, or remove them first)");
    }
    return plan;
  }

  /** Undoes {@code written} (newest first) and builds the ABORTED exception. */
  private SecretsImportException abort(SecretStore store, List<Written> written, List<Item> items, Planned failed,
      String why) {
    Map<String, Item> undone = new HashMap<>();
    for (int i = written.size() - 1; i >= 0; i--) {
      Written w = written.get(i);
      undone.put(w.planned.secret.name(), undo(store, w));
    }
    List<Item> report = new ArrayList<>();
    for (Item it : items) {
      report.add(undone.getOrDefault(it.name(), it));
    }
    ImportReport r = new ImportReport(false, report);
    // the store's exception is named in the message (its type and text, which never hold a value), not chained:
    // the import's report is what the caller acts on
    return new SecretsImportException(Reason.ABORTED, failed.secret.location(),
        "writing '" + failed.secret.name() + "' failed (" + why + "); the " + written.size() + " secret(s) this"
        + " import wrote before it were undone" + (r.count(Outcome.NOT_UNDONE) == 0 ? ""
        : " except " + r.count(Outcome.NOT_UNDONE) + " (see the report)") + " and nothing after it was written",
        r);
  }

  private static Item undo(SecretStore store, Written w) {
    String name = w.planned.secret.name();
    try {
      List<SecretVersion> now = store.versions(name);
      if (now.isEmpty() || now.get(0).version() != w.version) {
        return new Item(name, Outcome.NOT_UNDONE, w.version, "written again by someone else since: left as it is");
      }
      if (w.planned.outcome == Outcome.CREATED) {
        Status s = store.remove(name);
        return s == Status.OK ? new Item(name, Outcome.UNDONE, w.version, null)
            : new Item(name, Outcome.NOT_UNDONE, w.version, "remove answered " + s);
      }
      WriteResult back = store.rollback(name, w.planned.previous);
      return back.isWritten() ? new Item(name, Outcome.UNDONE, back.version(), "rolled back to version "
          + w.planned.previous)
          : new Item(name, Outcome.NOT_UNDONE, w.version, "rollback to version " + w.planned.previous + " answered "
          + back.status() + (back.status() == Status.NOT_FOUND ? " (the store keeps one version)" : ""));
    } catch (FieldVaultException e) {
      return new Item(name, Outcome.NOT_UNDONE, w.version, "undo failed: " + e.getClass().getSimpleName());
    }
  }

  private static String utf8(byte[] bytes, Path file) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new SecretsImportException(Reason.MALFORMED, null, file + " is not UTF-8 text: convert it to UTF-8");
    }
  }

  /** One secret's planned outcome, with the version the check saw (0: absent). */
  private record Planned(SourceSecret secret, Outcome outcome, long previous, String detail) {

    Item item(long version) {
      return new Item(secret.name(), outcome, version, detail);
    }

    PutOptions options(SecretStore store) {
      PutOptions.Builder b = PutOptions.builder().expectedVersion(previous);
      if (!store.isSealed()) {
        b.metadata(secret.metadata());
      }
      return b.build();
    }
  }

  private record Written(Planned planned, long version) {}

  @Override
  public String toString() {
    return "SecretsImport{" + format + ", " + secrets.size() + " secrets, onConflict=" + policy + "}";
  }
}
