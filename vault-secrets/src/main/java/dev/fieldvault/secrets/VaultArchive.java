package dev.fieldvault.secrets;

import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.VaultConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Backup and restore of a whole vault: every store, each in its own export file
 * ({@link SecretsVault#exportStore}'s format) in one directory.
 *
 * <pre>{@code
 * VaultArchive.Report saved = VaultArchive.exportAll(vault, Path.of("backup-2026-12-05"));
 * VaultArchive.Report check = VaultArchive.importAll(otherVault, Path.of("backup-2026-12-05"), true); // dry run
 * }</pre>
 *
 * <p>Values stay encrypted as stored, so a restore needs the same keys. {@link #importAll} checks every
 * file first (each value decrypts with the loaded keys, and none of the stores exists yet) and writes
 * nothing when a check fails; it then imports store after store, each in one transaction: a database
 * failure midway leaves the stores imported before it (its message names them).
 */
public final class VaultArchive {

  private VaultArchive() {}

  /**
   * What an archive export or import did (or would do): per file name, the store's report.
   *
   * @param dryRun true when nothing was written
   * @param stores per file, in file order
   */
  public record Report(boolean dryRun, Map<String, BackupReport> stores) {

    public Report {
      stores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stores));
    }

    public long entries() {
      return stores.values().stream().mapToLong(BackupReport::entries).sum();
    }

    public long versions() {
      return stores.values().stream().mapToLong(BackupReport::versions).sum();
    }

    public long failed() {
      return stores.values().stream().mapToLong(BackupReport::failed).sum();
    }
  }

  /**
   * Writes every store of the vault to {@code dir} (created if needed; it must hold no export file yet),
   * one file {@code store-00001.jsonl} ... per store, ordered by tenant and namespace. Each store's
   * export is audited as EXPORTED.
   */
  public static Report exportAll(SecretsVault vault, Path dir) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(dir, "dir");
    vault.checkOpen();
    try {
      Files.createDirectories(dir);
      if (!files(dir).isEmpty()) {
        throw new VaultConfigurationException(dir + " already holds export files (*.jsonl): export into an empty"
            + " directory");
      }
    } catch (IOException e) {
      throw new FieldVaultException("Cannot create or read the directory " + dir + ": " + e.getMessage(), e);
    }
    List<StoreMeta> stores = new ArrayList<>(vault.call("list stores", vault::allStores).values());
    stores.sort(Comparator.comparing((StoreMeta m) -> m.tenant() == null ? "" : m.tenant())
        .thenComparing(StoreMeta::namespace));
    Map<String, BackupReport> out = new LinkedHashMap<>();
    int n = 0;
    for (StoreMeta m : stores) {
      String name = String.format("store-%05d.jsonl", ++n);
      out.put(name, vault.exportStore(m.namespace(), m.tenant(), dir.resolve(name)));
    }
    return new Report(false, out);
  }

  /**
   * Restores a directory written by {@link #exportAll}: checks every file first (its values decrypt with
   * this vault's keys; its store does not exist here yet), then imports each store in its own
   * transaction. With {@code dryRun} only the checks run.
   *
   * @throws DecryptionFailedException when values do not decrypt with the loaded keys (nothing written)
   * @throws VaultConfigurationException when the directory holds no export file, or a store exists
   *     already (nothing written)
   */
  public static Report importAll(SecretsVault vault, Path dir, boolean dryRun) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(dir, "dir");
    vault.checkOpen();
    List<Path> files;
    try {
      files = files(dir);
    } catch (IOException e) {
      throw new VaultConfigurationException("Cannot read the archive directory " + dir + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new VaultConfigurationException(dir + " holds no export file (*.jsonl): name a directory written by"
          + " exportAll (fieldvault secrets export --all)");
    }
    Map<String, BackupReport> checked = new LinkedHashMap<>();
    List<String> existing = new ArrayList<>();
    long failed = 0;
    for (Path f : files) {
      BackupReport r = vault.importStore(f, true);
      checked.put(f.getFileName().toString(), r);
      failed += r.failed();
      String[] store = storeOf(f);
      try {
        vault.meta(store[0], store[1]);
        existing.add(f.getFileName() + " (store '" + store[0] + "'" + (store[1] == null ? "" : " of tenant '"
            + store[1] + "'") + ")");
      } catch (SecretStoreNotFoundException expected) {
        // the store is restored by this import
      }
    }
    if (failed > 0) {
      throw new DecryptionFailedException(failed + " values of the archive do not decrypt with this vault's keys:"
          + " load the keysets of the source vault before importing (nothing was imported)");
    }
    if (!existing.isEmpty()) {
      throw new VaultConfigurationException("These stores exist already: " + String.join(", ", existing)
          + "; restore a whole vault into tables without them, or import single stores with importStore"
          + " (nothing was imported)");
    }
    if (dryRun) {
      return new Report(true, checked);
    }
    Map<String, BackupReport> done = new LinkedHashMap<>();
    for (Path f : files) {
      try {
        done.put(f.getFileName().toString(), vault.importStore(f, false));
      } catch (FieldVaultException e) {
        throw new SecretsStorageException("Importing " + f.getFileName() + " failed after " + done.size()
            + " stores were imported (" + String.join(", ", done.keySet()) + "): " + e.getMessage(), e);
      }
    }
    return new Report(false, done);
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jsonl") && Files.isRegularFile(p)).sorted().toList();
    }
  }

  /** The namespace and tenant in an export file's first line. */
  private static String[] storeOf(Path f) {
    try (java.io.BufferedReader r = Files.newBufferedReader(f, java.nio.charset.StandardCharsets.UTF_8)) {
      com.google.gson.JsonObject head = com.google.gson.JsonParser.parseString(r.readLine()).getAsJsonObject();
      String tenant = head.get("tenant") == null || head.get("tenant").isJsonNull() ? null
          : head.get("tenant").getAsString();
      return new String[] {head.get("namespace").getAsString(), tenant};
    } catch (IOException | RuntimeException e) {
      throw new VaultConfigurationException("The export file " + f.getFileName() + " cannot be read: "
          + e.getClass().getSimpleName());
    }
  }
}
