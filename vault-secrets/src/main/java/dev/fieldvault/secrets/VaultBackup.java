package dev.fieldvault.secrets;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.secrets.internal.Jdbc;
import dev.fieldvault.secrets.internal.SealedKdf;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Backup and restore of one store as a JSON-lines file ({@link SecretsVault#exportStore},
 * {@link SecretsVault#importStore}): values stay encrypted exactly as stored, sealed names stay hashed.
 * Split out of {@link SecretsVault}, whose connections, transactions, tables and audit it uses.
 */
final class VaultBackup {

  /**
   * Version 2 adds each value's wrapped data key ({@code dk}, {@code dkv}); version 1 files still import.
   * Fields added to version 2 later, each optional on import (vault-secrets README, "Export files"):
   * {@code id} and {@code createdBy} of entries, {@code secretKind} of entries of non-sealed stores.
   */
  private static final String EXPORT_FORMAT = "fieldvault-secrets-export/2";
  private static final String EXPORT_FORMAT_V1 = "fieldvault-secrets-export/1";
  private final SecretsVault vault;

  VaultBackup(SecretsVault vault) {
    this.vault = vault;
  }

  /**
   * Writes a store (entries and kept versions) to a JSON-lines file. Values stay encrypted exactly as
   * stored (and sealed names stay hashed), so the file is as safe as the database; it can be imported
   * only where the same keys are loaded.
   */
  BackupReport exportStore(String namespace, String tenant, Path file) {
    vault.checkOpen();
    StoreMeta m = vault.meta(namespace, tenant);
    long[] counts = new long[2];
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      JsonObject head = new JsonObject();
      head.addProperty("format", EXPORT_FORMAT);
      head.addProperty("namespace", namespace);
      head.addProperty("tenant", tenant);
      head.addProperty("sealed", m.sealed());
      head.addProperty("maxVersions", m.maxVersions());
      if (m.defaultTtlMs() != null) {
        head.addProperty("defaultTtlMs", m.defaultTtlMs());
      }
      if (m.versionMaxAgeMs() != null) {
        head.addProperty("versionMaxAgeMs", m.versionMaxAgeMs());
      }
      if (m.sealed()) { // the entries open only under the store's key derivation
        SealedKdf[] kdfs = vault.stores().sealedKdfs(m.id());
        head.addProperty("sealedKdf", kdfs[0].stored());
        head.addProperty("sealedKdfPrevious", kdfs[1] == null ? null : kdfs[1].stored());
      }
      w.write(head.toString());
      w.newLine();
      vault.call("export", c -> {
        exportRows(c, w, m, vault.tables().entry, "entry", counts, 0);
        exportRows(c, w, m, vault.tables().version, "version", counts, 1);
        return null;
      });
    } catch (IOException e) {
      throw new FieldVaultException("Writing the export file failed: " + e.getMessage(), e);
    }
    vault.tx("audit", x -> {
      vault.audit().append(x, vault.now().toEpochMilli(), List.of(new AuditLog.Draft(vault.actor(), tenant, namespace, null,
          AuditAction.EXPORTED, Status.OK.name(), counts[0] + " entries, " + counts[1] + " versions")));
      return null;
    });
    return new BackupReport(counts[0], counts[1], 0, 0, false);
  }

  private void exportRows(Connection c, BufferedWriter w, StoreMeta m, String table, String kind, long[] counts, int slot)
      throws SQLException {
    boolean entry = kind.equals("entry");
    String cols = entry
        ? "name_key, version, value_ct, metadata, dek_ct, dek_version, expires_ms, created_ms, updated_ms, value_ms,"
            + " updated_by, generator, entry_id, created_by, kind"
        : "name_key, version, value_ct, metadata, dek_ct, dek_version, created_ms, created_by";
    try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + table
        + " WHERE store_id = ? ORDER BY name_key, version")) {
      ps.setLong(1, m.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JsonObject o = new JsonObject();
          o.addProperty("kind", kind);
          o.addProperty("nameKey", rs.getString(1));
          o.addProperty("version", rs.getLong(2));
          o.addProperty("ct", Base64.getEncoder().encodeToString(rs.getBytes(3)));
          o.addProperty("metadata", rs.getString(4));
          byte[] dk = rs.getBytes(5);
          if (dk != null) { // null: a value written before the envelope, exported as it is
            o.addProperty("dk", Base64.getEncoder().encodeToString(dk));
            o.addProperty("dkv", rs.getInt(6));
          }
          if (entry) {
            long exp = rs.getLong(7);
            o.addProperty("expiresMs", rs.wasNull() ? null : exp);
            o.addProperty("createdMs", rs.getLong(8));
            o.addProperty("updatedMs", rs.getLong(9));
            o.addProperty("valueMs", rs.getLong(10));
            o.addProperty("by", rs.getString(11));
            o.addProperty("generator", rs.getString(12));
            o.addProperty("id", rs.getString(13));
            o.addProperty("createdBy", rs.getString(14));
            String secretKind = rs.getString(15); // null: GENERIC; sealed stores keep none
            if (secretKind != null && !m.sealed()) {
              o.addProperty("secretKind", secretKind);
            }
          } else {
            o.addProperty("createdMs", rs.getLong(7));
            o.addProperty("by", rs.getString(8));
          }
          w.write(o.toString());
          w.newLine();
          counts[slot]++;
        }
      }
    } catch (IOException e) {
      throw new FieldVaultException("Writing the export file failed: " + e.getMessage(), e);
    }
  }

  /**
   * Imports an export file into this vault's database, creating the store if it does not exist
   * (an entry that already exists there fails the whole import, which is one transaction). Every
   * ciphertext is first checked to decrypt with this vault's keys in its original context. With
   * {@code dryRun} nothing is written: the report says what an import would do.
   */
  BackupReport importStore(Path file, boolean dryRun) {
    vault.checkOpen();
    List<JsonObject> rows = new ArrayList<>();
    JsonObject head;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      head = JsonParser.parseString(r.readLine()).getAsJsonObject();
      String format = head.get("format").getAsString();
      if (!EXPORT_FORMAT.equals(format) && !EXPORT_FORMAT_V1.equals(format)) {
        throw new VaultConfigurationException("Not a FieldVault secrets export (format " + head.get("format") + ")");
      }
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          rows.add(JsonParser.parseString(line).getAsJsonObject());
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof FieldVaultException) {
        throw (FieldVaultException) e;
      }
      throw new VaultConfigurationException("The export file cannot be read: " + e.getClass().getSimpleName(), e);
    }
    String ns = head.get("namespace").getAsString();
    String tenant = head.get("tenant") == null || head.get("tenant").isJsonNull() ? null : head.get("tenant").getAsString();
    StoreMeta probe = new StoreMeta(0, ns, tenant, head.get("sealed").getAsBoolean(), head.get("maxVersions").getAsInt(),
        head.has("defaultTtlMs") ? head.get("defaultTtlMs").getAsLong() : null,
        head.has("versionMaxAgeMs") ? head.get("versionMaxAgeMs").getAsLong() : null);
    long entries = 0;
    long versions = 0;
    long verified = 0;
    long failed = 0;
    String[] kinds = new String[rows.size()]; // the entries' kind column, from their values
    for (int i = 0; i < rows.size(); i++) {
      JsonObject o = rows.get(i);
      boolean entry = o.get("kind").getAsString().equals("entry");
      if (entry) {
        entries++;
      } else {
        versions++;
      }
      try {
        byte[] inner = vault.openStored(probe, o.get("nameKey").getAsString(), o.get("version").getAsLong(),
            Base64.getDecoder().decode(o.get("ct").getAsString()), wrappedKey(o), dataKeyVersion(o));
        if (entry && !probe.sealed()) { // sealed stores keep no plaintext kind (and their values are sealed)
          kinds[i] = kindColumn(inner, str(o, "secretKind"));
        }
        Arrays.fill(inner, (byte) 0);
        verified++;
      } catch (FieldVaultException e) {
        failed++;
      }
    }
    BackupReport report = new BackupReport(entries, versions, verified, failed, dryRun);
    if (dryRun) {
      return report;
    }
    if (failed > 0) {
      throw new DecryptionFailedException(failed + " values of the export do not decrypt with this vault's keys:"
          + " load the keysets of the source vault before importing (nothing was imported)");
    }
    StoreMeta m;
    try {
      m = vault.meta(ns, tenant);
      if (m.sealed() != probe.sealed()) {
        throw new VaultConfigurationException("The export is of a " + (probe.sealed() ? "sealed" : "non-sealed")
            + " store but the existing " + m.describe() + " is not: import into another namespace (nothing was imported)");
      }
      if (m.sealed() && !vault.stores().sealedKdfs(m.id())[0].equals(SealedKdf.parse(str(head, "sealedKdf")))) {
        throw new VaultConfigurationException("The export's sealed store derives its keys differently from the"
            + " existing " + m.describe() + " (another salt or generation), so its entries would not open there:"
            + " import into another namespace (nothing was imported)");
      }
    } catch (SecretStoreNotFoundException e) {
      StoreOptions options = probe.options();
      if (probe.sealed()) {
        // the source store's key derivation (an export without one is of a generation 1 store)
        String prev = str(head, "sealedKdfPrevious");
        vault.stores().create(ns, tenant, options, SealedKdf.parse(str(head, "sealedKdf")),
            prev == null ? null : SealedKdf.parse(prev));
      } else {
        vault.createStore(ns, tenant, options);
      }
      m = vault.meta(ns, tenant);
    }
    StoreMeta target = m;
    try {
      importRows(rows, kinds, target, tenant, ns, report);
    } catch (SecretsStorageException e) {
      if (e.getCause() instanceof SQLException && Jdbc.isDuplicateKey((SQLException) e.getCause())) {
        throw new VaultConfigurationException("The " + target.describe() + " already holds entries (or versions)"
            + " with names of the export: import into another namespace, or remove them first (nothing was"
            + " imported)", e.getCause());
      }
      throw e;
    }
    return report;
  }

  /**
   * The kind column of an imported entry: the kind its value carries, as a write would store it (null
   * for GENERIC), whatever the file says; the file's {@code secretKind} (files before it: none) only for
   * a value of a kind this version does not know, so that it lists as it did in the source.
   */
  private static String kindColumn(byte[] inner, String written) {
    SecretKind k = SecretValue.kindOf(inner);
    if (k != null) {
      return k == SecretKind.GENERIC ? null : k.name();
    }
    return written != null && written.matches("[A-Z][A-Z0-9_]{0,31}") ? written : null;
  }

  private void importRows(List<JsonObject> rows, String[] kinds, StoreMeta target, String tenant, String ns,
      BackupReport report) {
    vault.tx("import", x -> {
      try (PreparedStatement pe = x.prepareStatement("INSERT INTO " + vault.tables().entry + " (store_id, name_key, version,"
          + " value_ct, metadata, expires_ms, created_ms, updated_ms, value_ms, updated_by, generator, dek_ct,"
          + " dek_version, entry_id, created_by, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement pv = x.prepareStatement("INSERT INTO " + vault.tables().version + " (store_id, name_key, version,"
              + " value_ct, metadata, created_ms, created_by, dek_ct, dek_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < rows.size(); i++) {
          JsonObject o = rows.get(i);
          boolean entry = o.get("kind").getAsString().equals("entry");
          PreparedStatement ps = entry ? pe : pv;
          ps.setLong(1, target.id());
          ps.setString(2, o.get("nameKey").getAsString());
          ps.setLong(3, o.get("version").getAsLong());
          ps.setBytes(4, Base64.getDecoder().decode(o.get("ct").getAsString()));
          ps.setString(5, str(o, "metadata"));
          if (entry) {
            if (o.get("expiresMs") == null || o.get("expiresMs").isJsonNull()) {
              ps.setNull(6, java.sql.Types.BIGINT);
            } else {
              ps.setLong(6, o.get("expiresMs").getAsLong());
            }
            ps.setLong(7, o.get("createdMs").getAsLong());
            ps.setLong(8, o.get("updatedMs").getAsLong());
            ps.setLong(9, o.get("valueMs").getAsLong());
            ps.setString(10, str(o, "by"));
            ps.setString(11, str(o, "generator"));
            String id = str(o, "id"); // exports before ids: a new id
            ps.setString(14, id == null ? EntryRows.newId() : id);
            ps.setString(15, str(o, "createdBy"));
            ps.setString(16, kinds[i]);
          } else {
            ps.setLong(6, o.get("createdMs").getAsLong());
            ps.setString(7, str(o, "by"));
          }
          int k = entry ? 12 : 8;
          ps.setBytes(k, wrappedKey(o));
          Integer dkv = dataKeyVersion(o);
          if (dkv == null) {
            ps.setNull(k + 1, java.sql.Types.INTEGER);
          } else {
            ps.setInt(k + 1, dkv);
          }
          ps.addBatch();
        }
        pe.executeBatch();
        pv.executeBatch();
      }
      vault.audit().append(x, vault.now().toEpochMilli(), List.of(new AuditLog.Draft(vault.actor(), tenant, ns, null, AuditAction.IMPORTED,
          Status.OK.name(), report.entries() + " entries, " + report.versions() + " versions")));
      return null;
    });
  }

  private static byte[] wrappedKey(JsonObject o) {
    String dk = str(o, "dk");
    return dk == null ? null : Base64.getDecoder().decode(dk);
  }

  private static Integer dataKeyVersion(JsonObject o) {
    return o.get("dkv") == null || o.get("dkv").isJsonNull() ? null : o.get("dkv").getAsInt();
  }

  private static String str(JsonObject o, String k) {
    return o.get(k) == null || o.get(k).isJsonNull() ? null : o.get(k).getAsString();
  }
}
