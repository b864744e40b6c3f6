package dev.fieldvault.cli;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyset;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.keys.BranchKey;
import dev.fieldvault.keys.KeyAlgorithm;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyInfo;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.KeysetSources;
import dev.fieldvault.keys.VaultKeyset;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fieldvault keys ...}: keysets stored in files, encrypted under a KEK. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = {"Generate and manage keysets, encrypted under a key-encryption key: in a file (-f FILE) or in"
        + " the database's key store table (--jdbc-url URL --keyset NAME).",
        "disable and minimum-decrypt refuse a key that stored values still use when the encrypted columns are given"
        + " (--tables FILE or --entities CLASS,..., and --secrets-prefix PREFIX for the secrets vault; required"
        + " with --jdbc-url)."},
    subcommands = {KeysCommand.Generate.class, KeysCommand.ListKeys.class, KeysCommand.Add.class,
        KeysCommand.Promote.class, KeysCommand.Disable.class, KeysCommand.MinimumDecrypt.class, KeysCommand.Enable.class,
        KeysCommand.Destroy.class, KeysCommand.Delete.class, KeysCommand.RotateKek.class})
final class KeysCommand implements Runnable {

  @ParentCommand
  FieldVaultCli root;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every keys subcommand shares: where the keyset is (a file or the key store table) and the KEK. */
  abstract static class KeysetFileCommand implements Callable<Integer> {
    @ParentCommand
    KeysCommand keys;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The keyset file.")
    Path file;

    @Option(names = "--jdbc-url", paramLabel = "URL",
        description = "The database: its key store table holds the keyset (unless -f), its tables the values.")
    String jdbcUrl;

    @Option(names = "--user", paramLabel = "USER", defaultValue = "", description = "Database user.")
    String user;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the database password.")
    String passwordEnv;

    @Option(names = "--vault-prefix", paramLabel = "PREFIX", defaultValue = "fieldvault_",
        description = "Prefix of FieldVault's key store table (default: ${DEFAULT-VALUE}).")
    String vaultPrefix;

    @Option(names = "--keyset", paramLabel = "NAME", description = "The stored keyset's name (with --jdbc-url).")
    String keyset;

    @ArgGroup(exclusive = false, heading = "Key-encryption key:%n")
    KekOptions kek = new KekOptions();

    @Option(names = "--branch-key", paramLabel = "NAME",
        description = "Hierarchical mode (with --jdbc-url): the keysets are wrapped by the branch key NAME, stored in"
            + " the key store table and wrapped by the KEK (one KMS call to load it, none per keyset).")
    String branchKey;

    @Option(names = "--branch-key-file", paramLabel = "FILE",
        description = "Hierarchical mode (with -f): the keyset file is wrapped by the branch key in FILE, itself"
            + " wrapped by the KEK.")
    Path branchKeyFile;

    private DataSource dataSource;
    private KeyStore store;
    private StoredKeyset loaded;
    private KeyEncryptionKey baseKek;
    private BranchKey fileBranchKey;

    /** The KEK the keysets are wrapped by: the branch key in the hierarchical mode, else the KEK options'. */
    KeyEncryptionKey kek() {
      if (branchKeyFile != null && branchKey == null && file != null) {
        if (fileBranchKey == null) {
          fileBranchKey = BranchKey.loadFile(branchKeyFile, baseKek());
        }
        return fileBranchKey;
      }
      if (branchKey != null) {
        return store().kek();
      }
      return baseKek();
    }

    /** The KEK of the options (master secret, master keyset, KMS key): what wraps a branch key. */
    KeyEncryptionKey baseKek() {
      if (baseKek == null) {
        baseKek = KekOptions.resolve(kek, keys.root.env);
      }
      return baseKek;
    }

    /** Whether the keyset lives in the database's key store table. */
    boolean inDatabase() {
      if (file == null && jdbcUrl == null) {
        throw new CliException("where is the keyset? give -f FILE, or --jdbc-url URL with --keyset NAME");
      }
      return file == null;
    }

    DataSource dataSource() {
      if (jdbcUrl == null) {
        throw new CliException("--jdbc-url is needed to read the stored values");
      }
      if (dataSource == null) {
        DbOptions db = new DbOptions();
        db.url = jdbcUrl;
        db.user = user;
        db.passwordEnv = passwordEnv;
        dataSource = db.dataSource(keys.root.env);
      }
      return dataSource;
    }

    KeyStore store() {
      if (store == null) {
        KeyringOptions k = new KeyringOptions();
        k.vaultPrefix = vaultPrefix;
        store = branchKey == null ? k.store(dataSource(), baseKek())
            : KeyStore.hierarchical(dataSource(), k.vaultTables(), branchKey, baseKek());
      }
      return store;
    }

    String keysetName() {
      if (keyset == null) {
        throw new CliException("name the stored keyset: --keyset NAME");
      }
      return keyset;
    }

    VaultKeyset load() {
      if (inDatabase()) {
        loaded = store().load(keysetName());
        return loaded.keyset();
      }
      if (!Files.exists(file)) {
        throw new CliException("no keyset file " + file + ": create one with `fieldvault keys generate`");
      }
      return KeysetSources.encryptedFile(file, kek()).load();
    }

    void save(VaultKeyset ks) {
      if (!inDatabase()) {
        KeysetSources.encryptedFile(file, kek()).store(ks);
      } else if (loaded == null) {
        store().insert(ks);
      } else {
        loaded = store().replace(loaded, ks);
      }
    }

    String where() {
      return inDatabase() ? "table " + store().tables().keyset() : file.toString();
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    void print(VaultKeyset ks) {
      PrintWriter out = out();
      out.printf("keyset %s (%s), minimum decryption ordinal %d%n", ks.name(), ks.purpose(), ks.minimumDecryptOrdinal());
      out.printf("%-8s %-12s %-10s %-8s %-20s %s%n", "ORDINAL", "KEY ID", "STATUS", "PRIMARY", "ALGORITHM", "CREATED");
      for (KeyInfo k : ks.keys()) {
        out.printf("%-8d %-12s %-10s %-8s %-20s %s%n", k.ordinal(), k.keyIdText(), k.status(),
            k.primary() ? "yes" : "", k.algorithm(), k.created());
      }
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a new keyset file.")
  static final class Generate extends KeysetFileCommand {
    @Option(names = "--name", required = true, description = "The keyset's name (bound into its encryption).")
    String name;

    @Option(names = "--purpose", defaultValue = "AEAD",
        description = "AEAD (randomized), DETERMINISTIC_AEAD or PRF (blind indexes). Default: ${DEFAULT-VALUE}.")
    KeyPurpose purpose;

    @Option(names = "--algorithm", description = "Key algorithm (default for the purpose): ${COMPLETION-CANDIDATES}.")
    KeyAlgorithm algorithm;

    @Option(names = "--force", description = "Overwrite an existing file (its keys are lost).")
    boolean force;

    @Override
    public Integer call() {
      if (inDatabase()) {
        if (store().find(name).isPresent()) {
          throw new CliException("keyset " + name + " already exists in " + where() + ": refusing to replace it"
              + " (values under it would become unreadable); add a key with `keys add` instead");
        }
      } else if (Files.exists(file) && !force) {
        throw new CliException(file + " exists: refusing to overwrite a keyset (values under it would become"
            + " unreadable); use another file, or --force if you are sure");
      }
      VaultKeyset ks = algorithm == null ? VaultKeyset.generate(name, purpose) : VaultKeyset.generate(name, algorithm);
      save(ks);
      out().println("generated " + (inDatabase() ? "keyset " + name + " in " : "") + where() + " under KEK " + kek().id());
      print(ks);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a keyset's keys (never their material).")
  static final class ListKeys extends KeysetFileCommand {
    @Override
    public Integer call() {
      if (inDatabase() && keyset == null) {
        List<String> names = store().names();
        if (names.isEmpty()) {
          out().println("no keyset in " + where() + ": create one with `fieldvault keys generate`");
        }
        for (String n : names) {
          print(store().load(n).keyset());
        }
        return 0;
      }
      print(load());
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a new enabled key (not primary).")
  static final class Add extends KeysetFileCommand {
    @Option(names = "--algorithm", description = "Algorithm of the new key (default: the primary's).")
    KeyAlgorithm algorithm;

    @Option(names = "--promote", description = "Make the new key primary at once.")
    boolean promote;

    @Override
    public Integer call() {
      VaultKeyset ks = load();
      ks = algorithm == null ? ks.addKey() : ks.addKey(algorithm);
      if (promote) {
        ks = ks.promote(ks.keys().size());
      }
      save(ks);
      print(ks);
      return 0;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a key the primary (it writes new values).")
  static final class Promote extends KeysetFileCommand {
    @Option(names = "--ordinal", required = true, description = "The key's ordinal (see `keys list`).")
    int ordinal;

    @Override
    public Integer call() {
      VaultKeyset ks = load().promote(ordinal);
      save(ks);
      print(ks);
      return 0;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Disable a key: it stops decrypting. Rewrap the values still under it first.")
  static final class Disable extends KeysetFileCommand {
    @Option(names = "--ordinal", required = true)
    int ordinal;

    @Mixin
    TablesOptions tables;

    @Override
    public Integer call() {
      boolean check = tables.given();
      if (inDatabase() && !check) {
        throw new CliException("disable needs the encrypted columns (--tables FILE or --entities CLASS,..., and --secrets-prefix PREFIX for the secrets vault) to prove"
            + " that no stored value still uses key " + ordinal);
      }
      if (inDatabase()) {
        VaultKeyset ks = store().disableKey(keysetName(), ordinal,
            KeyInventory.scan(dataSource(), tables.resolve(dataSource()))).keyset();
        print(ks);
        return 0;
      }
      VaultKeyset current = load();
      if (check) {
        KeyInventory usage = KeyInventory.scan(dataSource(), tables.resolve(dataSource()));
        int keyId = current.byOrdinal(ordinal).keyId();
        long count = usage.valuesUsing(keyId);
        if (count > 0) {
          throw new CliException("key " + ordinal + " of " + current.name() + " is still used by " + count
              + " stored values (" + usage.describeUsage(keyId) + "): run `fieldvault rotate` first");
        }
      }
      VaultKeyset ks = current.disable(ordinal);
      save(ks);
      print(ks);
      return 0;
    }
  }

  @Command(name = "minimum-decrypt", mixinStandardHelpOptions = true,
      description = {"Set the minimum key ordinal that may decrypt: values under older keys are then refused,"
          + " even while those keys are enabled.",
          "Refused while stored values still use an older key; like disable, it needs the encrypted columns to prove"
          + " it (--tables FILE or --entities CLASS,..., and --secrets-prefix PREFIX), unless --force."})
  static final class MinimumDecrypt extends KeysetFileCommand {
    @Option(names = "--ordinal", required = true, description = "Keys with a lower ordinal stop decrypting.")
    int ordinal;

    @Option(names = "--force", description = "Skip the inventory check: values under older keys become unreadable.")
    boolean force;

    @Mixin
    TablesOptions tables;

    @Override
    public Integer call() {
      boolean check = tables.given();
      if (!check && !force && (inDatabase() || jdbcUrl != null)) {
        throw new CliException("minimum-decrypt needs the encrypted columns (--tables FILE or --entities CLASS,...,"
            + " and --secrets-prefix PREFIX for the secrets vault) to prove that no stored value still uses a key"
            + " older than " + ordinal + "; or --force if those values may become unreadable");
      }
      if (inDatabase()) {
        StoredKeyset ks = force ? store().forceMinimumDecryptOrdinal(keysetName(), ordinal)
            : store().setMinimumDecryptOrdinal(keysetName(), ordinal,
                KeyInventory.scan(dataSource(), tables.resolve(dataSource())));
        print(ks.keyset());
        return 0;
      }
      VaultKeyset current = load();
      if (check && !force) {
        KeyInventory usage = KeyInventory.scan(dataSource(), tables.resolve(dataSource()));
        for (KeyInfo k : current.keys()) {
          long count = k.ordinal() < ordinal ? usage.valuesUsing(k.keyId()) : 0;
          if (count > 0) {
            throw new CliException("key " + k.ordinal() + " (id " + k.keyIdText() + ") of " + current.name()
                + " is still used by " + count + " stored values (" + usage.describeUsage(k.keyId())
                + "): run `fieldvault rotate` first, or --force if they may become unreadable");
          }
        }
      }
      VaultKeyset ks = current.withMinimumDecryptOrdinal(ordinal);
      save(ks);
      print(ks);
      return 0;
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled key again.")
  static final class Enable extends KeysetFileCommand {
    @Option(names = "--ordinal", required = true)
    int ordinal;

    @Override
    public Integer call() {
      VaultKeyset ks = load().enable(ordinal);
      save(ks);
      print(ks);
      return 0;
    }
  }

  @Command(name = "destroy", mixinStandardHelpOptions = true,
      description = "Destroy a disabled key's material for good (values under it become unreadable).")
  static final class Destroy extends KeysetFileCommand {
    @Option(names = "--ordinal", required = true)
    int ordinal;

    @Option(names = "--yes", description = "Confirm: this cannot be undone.")
    boolean yes;

    @Override
    public Integer call() {
      if (!yes) {
        throw new CliException("destroying key " + ordinal + " cannot be undone: add --yes to confirm");
      }
      VaultKeyset ks = load().destroy(ordinal);
      save(ks);
      print(ks);
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = {"Delete stored keysets from the key store table (crypto-shredding): every value encrypted under"
          + " their keys becomes unreadable for good. One transaction; each deletion is logged (names, never keys).",
          "--keyset NAME deletes one keyset; --tenant T deletes the tenant's keysets <prefix>T-aead, -daead, -prf"
              + " (StoredTenantKeyrings). Instances stop using them at their next reload, or within their tenant"
              + " refresh interval."})
  static final class Delete extends KeysetFileCommand {
    @Option(names = "--tenant", paramLabel = "TENANT", description = "Delete this tenant's keysets.")
    String tenant;

    @Option(names = "--tenant-prefix", paramLabel = "PREFIX", defaultValue = "tenant-",
        description = "The prefix of tenant keyset names (default: ${DEFAULT-VALUE}).")
    String tenantPrefix;

    @Option(names = "--yes", description = "Confirm: this cannot be undone.")
    boolean yes;

    @Override
    public Integer call() {
      if (file != null || jdbcUrl == null) {
        throw new CliException("delete works on the key store table: give --jdbc-url (a keyset file is deleted with rm)");
      }
      if ((tenant == null) == (keyset == null)) {
        throw new CliException("name what to delete: --keyset NAME, or --tenant TENANT (not both)");
      }
      String what = tenant != null ? "the keysets of tenant " + tenant : "keyset " + keyset;
      if (!yes) {
        throw new CliException("deleting " + what + " cannot be undone (its values become unreadable): add --yes to"
            + " confirm");
      }
      int n = tenant != null ? dev.fieldvault.jdbc.keystore.StoredTenantKeyrings.of(store(), tenantPrefix).shred(tenant)
          : store().delete(keyset);
      out().printf("deleted %d keyset(s) of %s (%s)%n", n, what, where());
      if (n == 0) {
        spec.commandLine().getErr().println("error: no stored keyset matched " + what);
        return 1;
      }
      return 0;
    }
  }

  @Command(name = "rotate-kek", mixinStandardHelpOptions = true,
      description = {"Re-encrypt under a new KEK (a master secret or a KMS key, in either direction); keys and data"
          + " stay as they are.",
          "Direct mode: the keyset file, or every keyset in the key store table, is rewrapped (one KMS call per"
          + " keyset and direction).",
          "Hierarchical mode (--branch-key NAME, or --branch-key-file FILE): --new-kek/--new-master-secret-env"
          + " rewraps only the branch key (two KMS calls, no keyset touched); --rotate-branch-key makes a new"
          + " branch key and rewraps the keysets locally; --direct moves the keysets back to the new KEK.",
          "--new-branch-key NAME moves keysets from the direct mode to a branch key (created, wrapped by the new"
          + " KEK if one is named, else by the current one; with -f it is kept in --branch-key-file)."})
  static final class RotateKek extends KeysetFileCommand {
    @Option(names = "--new-master-secret-env", paramLabel = "VAR",
        description = "Environment variable holding the new master secret.")
    String newSecretEnv;

    @Option(names = "--new-kek", paramLabel = "URI",
        description = "The new KEK as a KMS key URI, e.g. aws-kms://arn:aws:kms:<region>:<account>:key/<id>"
            + " (same endpoint and region options as --kek).")
    String newKekUri;

    @Option(names = "--new-branch-key", paramLabel = "NAME",
        description = "Move the keysets to the branch key NAME (created unless it exists).")
    String newBranchKey;

    @Option(names = "--rotate-branch-key",
        description = "With --branch-key or --branch-key-file: a new branch key version rewraps the keysets locally.")
    boolean rotateBranchKey;

    @Option(names = "--direct",
        description = "With --branch-key or --branch-key-file: wrap the keysets directly with the new KEK again.")
    boolean direct;

    @Option(names = "--rewrap",
        description = "With -f and --branch-key-file: rewrap the keyset file under the branch key's current version"
            + " (the other keyset files, after --rotate-branch-key).")
    boolean rewrap;

    @Option(names = "--drop-retired-branch-keys",
        description = "With --branch-key-file: drop the earlier branch key versions, once every keyset file is"
            + " rewrapped (files still under them no longer open).")
    boolean dropRetired;

    @Override
    public Integer call() {
      boolean hierarchical = branchKey != null || (branchKeyFile != null && newBranchKey == null);
      if (newBranchKey != null) {
        return toBranchKey();
      }
      if (rotateBranchKey) {
        return rotateBranch(hierarchical);
      }
      if (rewrap || dropRetired) {
        return branchKeyFileMaintenance();
      }
      KeyEncryptionKey newKek = newKek(true);
      if (hierarchical && !direct) {
        return rotateBranchKeyKek(newKek);
      }
      if (inDatabase()) {
        String from = kek().id();
        int n = store().rotateKek(newKek);
        out().println("re-encrypted " + n + " keyset(s) in " + where() + " from KEK " + from + " to " + newKek.id());
        return 0;
      }
      VaultKeyset ks = load();
      KeysetSources.encryptedFile(file, newKek).store(ks);
      out().println("re-encrypted " + file + " from KEK " + kek().id() + " to " + newKek.id());
      return 0;
    }

    /** The KMS key (or master secret) of the branch key changes: the branch key alone is rewrapped. */
    private int rotateBranchKeyKek(KeyEncryptionKey newKek) {
      if (branchKey != null) {
        store().rotateBranchKeyKek(newKek);
        out().println("rewrapped branch key " + branchKey + " in " + store().tables().keyset() + " from KEK "
            + baseKek().id() + " to " + newKek.id() + " (no keyset touched)");
        return 0;
      }
      if (file != null) {
        throw new CliException("with --branch-key-file, --new-kek rewraps the branch key file only: leave out -f"
            + " (or add --direct to wrap the keyset file with the new KEK)");
      }
      BranchKey.loadFile(branchKeyFile, baseKek()).saveFile(branchKeyFile, newKek);
      out().println("rewrapped branch key file " + branchKeyFile + " from KEK " + baseKek().id() + " to "
          + newKek.id() + " (no keyset touched)");
      return 0;
    }

    private int rotateBranch(boolean hierarchical) {
      if (!hierarchical) {
        throw new CliException("--rotate-branch-key needs --branch-key NAME (key store table) or --branch-key-file"
            + " FILE (keyset files)");
      }
      if (newKek(false) != null) {
        throw new CliException("--rotate-branch-key keeps the KEK: rotate the KMS key in a separate run");
      }
      if (branchKey != null) {
        int n = store().rotateBranchKey();
        out().println("rotated branch key " + branchKey + " to " + store().kek().id() + ": rewrapped " + n
            + " keyset(s) locally");
        return 0;
      }
      BranchKey current = BranchKey.loadFile(branchKeyFile, baseKek());
      BranchKey next = current.rotate();
      next.saveFile(branchKeyFile, baseKek()); // first: the earlier versions stay in it for files not yet rewrapped
      if (file != null) {
        VaultKeyset ks = KeysetSources.encryptedFile(file, next).load();
        KeysetSources.encryptedFile(file, next).store(ks);
      }
      out().println("rotated branch key file " + branchKeyFile + " to " + next.id() + " (" + next.versions()
          + " versions kept for keyset files not yet rewrapped)" + (file == null ? "" : "; rewrapped " + file));
      return 0;
    }

    /** --rewrap and --drop-retired-branch-keys: finishing a branch key rotation over several keyset files. */
    private int branchKeyFileMaintenance() {
      if (branchKeyFile == null || branchKey != null || newKek(false) != null) {
        throw new CliException("--rewrap and --drop-retired-branch-keys take --branch-key-file FILE and no new KEK");
      }
      BranchKey current = BranchKey.loadFile(branchKeyFile, baseKek());
      if (rewrap) {
        if (file == null) {
          throw new CliException("--rewrap needs the keyset file: -f FILE");
        }
        VaultKeyset ks = KeysetSources.encryptedFile(file, current).load();
        KeysetSources.encryptedFile(file, current).store(ks);
        out().println("rewrapped " + file + " under branch key " + current.id());
      }
      if (dropRetired) {
        BranchKey pruned = current.withoutRetiredVersions();
        pruned.saveFile(branchKeyFile, baseKek());
        out().println("branch key file " + branchKeyFile + " keeps only " + pruned.id() + " ("
            + (current.versions() - 1) + " earlier version(s) dropped)");
      }
      return 0;
    }

    /** Direct mode to hierarchical mode. */
    private int toBranchKey() {
      if (branchKey != null || rotateBranchKey || direct) {
        throw new CliException("--new-branch-key moves keysets from the direct mode: leave out --branch-key,"
            + " --rotate-branch-key and --direct");
      }
      KeyEncryptionKey newKek = newKek(false);
      KeyEncryptionKey wrapping = newKek == null ? baseKek() : newKek;
      if (inDatabase()) {
        KeyStore next = store().moveToBranchKey(newBranchKey, wrapping);
        out().println("moved the keysets in " + next.tables().keyset() + " to branch key " + next.kek().id()
            + " wrapped by " + wrapping.id() + "; use --branch-key " + newBranchKey + " from now on");
        return 0;
      }
      if (branchKeyFile == null) {
        throw new CliException("with -f, --new-branch-key needs --branch-key-file FILE to keep the branch key in");
      }
      BranchKey bk;
      if (Files.exists(branchKeyFile)) {
        bk = BranchKey.loadFile(branchKeyFile, wrapping);
        if (!bk.name().equals(newBranchKey)) {
          throw new CliException("the branch key file " + branchKeyFile + " holds branch key '" + bk.name()
              + "', not '" + newBranchKey + "'");
        }
      } else {
        bk = BranchKey.generate(newBranchKey);
        bk.saveFile(branchKeyFile, wrapping);
      }
      VaultKeyset ks = KeysetSources.encryptedFile(file, baseKek()).load();
      KeysetSources.encryptedFile(file, bk).store(ks);
      out().println("re-encrypted " + file + " from KEK " + baseKek().id() + " to branch key " + bk.id()
          + " (in " + branchKeyFile + ", wrapped by " + wrapping.id() + ")");
      return 0;
    }

    private KeyEncryptionKey newKek(boolean required) {
      if (newSecretEnv != null && newKekUri != null) {
        throw new CliException("name one new KEK: --new-master-secret-env VAR or --new-kek URI, not both");
      }
      if (newSecretEnv == null && newKekUri == null) {
        if (required) {
          throw new CliException("name the new KEK: --new-master-secret-env VAR or --new-kek URI (one of them),"
              + " or use --rotate-branch-key / --new-branch-key NAME");
        }
        return null;
      }
      if (newKekUri != null) {
        return (kek == null ? new KekOptions() : kek).kms(newKekUri, keys.root.env);
      }
      String secret = keys.root.env.apply(newSecretEnv);
      if (secret == null || secret.isBlank()) {
        throw new CliException(newSecretEnv + " is not set: it must hold the new master secret");
      }
      return dev.fieldvault.keys.KeyEncryptionKeys.fromMasterSecret(secret);
    }
  }
}
