package dev.fieldvault.secrets;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.secrets.internal.Names;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The store-level and vault-wide operations of a {@link SecretsVault} on behalf of one principal
 * ({@link SecretsVault#admin(String)}). Each operation first asks the vault's access policy for
 * {@link Action#ADMIN}: on its store (namespace and tenant) for store operations, vault-wide (namespace
 * and tenant null; {@link AccessRules.Rule#onAnyStore()}) for the others. A refusal is audited at once
 * (outcome {@code ACCESS_DENIED}, detail {@code ADMIN <operation>}, with the operation's action) and
 * thrown as {@link SecretsAccessDeniedException}; nothing else happens. Allowed operations run as the
 * vault's methods of the same name and their audit events carry this principal.
 *
 * <table>
 *   <caption>Operations and the ADMIN scope they need</caption>
 *   <tr><th>operation</th><th>scope</th><th>refusal audited as</th></tr>
 *   <tr><td>createStore, upgradeSealedKdf</td><td>the store</td><td>STORE_CREATED, KEY_ROTATED</td></tr>
 *   <tr><td>exportStore, importStore</td><td>the store (importStore: the file's)</td><td>EXPORTED, IMPORTED</td></tr>
 *   <tr><td>rotateKeys, rewrapAll</td><td>vault-wide</td><td>KEY_ROTATED</td></tr>
 *   <tr><td>cleanupExpired, pruneVersions, runDueRotations</td><td>vault-wide</td>
 *     <td>EXPIRED_CLEANUP, VERSIONS_PRUNED, ROTATED</td></tr>
 *   <tr><td>purgeAuditEvents</td><td>vault-wide</td><td>AUDIT_PURGED</td></tr>
 *   <tr><td>auditEvents</td><td>the query's store, or vault-wide</td><td>READ</td></tr>
 *   <tr><td>verifyAuditChain, auditAnchor</td><td>vault-wide</td><td>READ</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 */
public final class VaultAdmin {

  private final SecretsVault vault;
  private final String principal;

  VaultAdmin(SecretsVault vault, String principal) {
    String problem = Names.principalProblem(principal);
    if (problem != null) {
      throw new InvalidSecretNameException("A principal must be a non-blank name of at most 200 characters"
          + " without control characters, U+0000 or unpaired surrogates, but " + problem);
    }
    this.vault = vault;
    this.principal = principal;
  }

  /** The principal this handle acts for. */
  public String principal() {
    return principal;
  }

  /**
   * {@link SecretsVault#createStore} (ADMIN on that store); the store is returned acting as this
   * principal.
   */
  public SecretStore createStore(String namespace, String tenant, StoreOptions options) {
    SecretsVault.requireName(namespace, "namespace");
    if (tenant != null) {
      SecretsVault.requireName(tenant, "tenant");
    }
    check(namespace, tenant, AuditAction.STORE_CREATED, "createStore");
    return run(() -> vault.createStore(namespace, tenant, options)).as(principal);
  }

  /** {@link SecretsVault#upgradeSealedKdf} (ADMIN on that store). */
  public boolean upgradeSealedKdf(String namespace, String tenant) {
    check(namespace, tenant, AuditAction.KEY_ROTATED, "upgradeSealedKdf");
    return run(() -> vault.upgradeSealedKdf(namespace, tenant));
  }

  /** {@link SecretsVault#exportStore} (ADMIN on that store). */
  public BackupReport exportStore(String namespace, String tenant, Path file) {
    check(namespace, tenant, AuditAction.EXPORTED, "exportStore");
    return run(() -> vault.exportStore(namespace, tenant, file));
  }

  /**
   * {@link SecretsVault#importStore} (ADMIN on the store the file's header names; a file whose header
   * cannot be read needs vault-wide ADMIN, and is then refused by the import as unreadable).
   */
  public BackupReport importStore(Path file, boolean dryRun) {
    Objects.requireNonNull(file, "file");
    String[] store = headerStore(file);
    check(store == null ? null : store[0], store == null ? null : store[1], AuditAction.IMPORTED, "importStore");
    return run(() -> vault.importStore(file, dryRun));
  }

  /** {@link SecretsVault#rotateKeys} (vault-wide ADMIN). */
  public KeyRotationReport rotateKeys(KeyRotation rotation) {
    check(null, null, AuditAction.KEY_ROTATED, "rotateKeys");
    return run(() -> vault.rotateKeys(rotation));
  }

  /** {@link SecretsVault#rewrapAll} (vault-wide ADMIN). */
  public MaintenanceReport rewrapAll(int batchSize) {
    check(null, null, AuditAction.KEY_ROTATED, "rewrapAll");
    return run(() -> vault.rewrapAll(batchSize));
  }

  /** {@link SecretsVault#cleanupExpired} (vault-wide ADMIN). */
  public MaintenanceReport cleanupExpired(Duration retention) {
    check(null, null, AuditAction.EXPIRED_CLEANUP, "cleanupExpired");
    return run(() -> vault.cleanupExpired(retention));
  }

  /** {@link SecretsVault#pruneVersions} (vault-wide ADMIN). */
  public MaintenanceReport pruneVersions() {
    check(null, null, AuditAction.VERSIONS_PRUNED, "pruneVersions");
    return run(vault::pruneVersions);
  }

  /** {@link SecretsVault#runDueRotations} (vault-wide ADMIN). */
  public MaintenanceReport runDueRotations() {
    check(null, null, AuditAction.ROTATED, "runDueRotations");
    return run(vault::runDueRotations);
  }

  /** {@link SecretsVault#purgeAuditEvents} (vault-wide ADMIN). */
  public long purgeAuditEvents(Duration retention) {
    check(null, null, AuditAction.AUDIT_PURGED, "purgeAuditEvents");
    return run(() -> vault.purgeAuditEvents(retention));
  }

  /** {@link SecretsVault#auditEvents} (ADMIN on the query's store, or vault-wide when it names none). */
  public Page<AuditEvent> auditEvents(AuditQuery query) {
    Objects.requireNonNull(query, "query");
    check(query.namespace(), query.namespace() == null ? null : query.tenant(), AuditAction.READ, "auditEvents");
    return vault.auditEvents(query);
  }

  /** {@link SecretsVault#verifyAuditChain()} (vault-wide ADMIN). */
  public ChainCheck verifyAuditChain() {
    check(null, null, AuditAction.READ, "verifyAuditChain");
    return vault.verifyAuditChain();
  }

  /** {@link SecretsVault#verifyAuditChain(AuditAnchor)} (vault-wide ADMIN). */
  public ChainCheck verifyAuditChain(AuditAnchor anchor) {
    check(null, null, AuditAction.READ, "verifyAuditChain");
    return vault.verifyAuditChain(anchor);
  }

  /** {@link SecretsVault#auditAnchor()} (vault-wide ADMIN). */
  public AuditAnchor auditAnchor() {
    check(null, null, AuditAction.READ, "auditAnchor");
    return vault.auditAnchor();
  }

  private <T> T run(Supplier<T> operation) {
    return vault.actingAs(principal, operation);
  }

  private void check(String namespace, String tenant, AuditAction audited, String operation) {
    vault.checkOpen();
    if (vault.policy().allows(new AccessPolicy.Request(principal, namespace, tenant, Action.ADMIN))) {
      return;
    }
    vault.tx("audit", x -> {
      vault.audit().append(x, vault.now().toEpochMilli(), List.of(new AuditLog.Draft(principal, tenant, namespace,
          null, audited, Status.ACCESS_DENIED.name(), "ADMIN " + operation)));
      return null;
    });
    throw new SecretsAccessDeniedException("Principal '" + principal + "' may not " + operation
        + (namespace == null ? " (a vault-wide operation)" : " on store '" + namespace + "'"
            + (tenant == null ? "" : " of tenant '" + tenant + "'"))
        + ": the access policy refused ADMIN (the refusal was audited); grant ADMIN to this principal or one of its"
        + " roles");
  }

  /** The namespace and tenant an export file's header line names, or null when it cannot be read. */
  private static String[] headerStore(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = r.readLine();
      if (line == null) {
        return null;
      }
      JsonObject head = JsonParser.parseString(line).getAsJsonObject();
      String ns = head.get("namespace").getAsString();
      String tenant = head.get("tenant") == null || head.get("tenant").isJsonNull() ? null
          : head.get("tenant").getAsString();
      return new String[] {ns, tenant};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Shows the principal only. */
  @Override
  public String toString() {
    return "VaultAdmin{principal=" + principal + "}";
  }
}
