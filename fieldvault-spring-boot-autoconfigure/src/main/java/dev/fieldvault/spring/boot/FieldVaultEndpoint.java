package dev.fieldvault.spring.boot;

import dev.fieldvault.jdbc.rotation.ColumnInventory;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.keys.KeyInfo;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code fieldvault} Actuator endpoint, read-only: the keysets and their key versions, the key
 * inventory (values per key version per column, counted by the database from each value's header),
 * the rotation job's progress and, with the secrets vault, its scheduler's tasks (from the lease table,
 * whichever instance ran them). It shows names, key ids, states, times and counts: never a value or key
 * material. With {@code fieldvault.endpoint.write-operations=true} the starter registers
 * {@link FieldVaultWritableEndpoint} instead, which can also start a rotation and retire a key.
 */
@Endpoint(id = "fieldvault")
public class FieldVaultEndpoint {

  protected final FieldVaultKeys keys;
  protected final FieldVaultRotation rotation;
  private final Duration inventoryMaxAge;
  private final Object scan = new Object();
  private volatile CachedInventory cached;
  /** The secrets vault's scheduler section (null: no secrets vault). */
  private volatile dev.fieldvault.spring.boot.internal.SecretsSchedulerReport secretsScheduler;

  private record CachedInventory(KeyInventory inventory, Keyring keyring) {}

  /** An endpoint that counts the inventory on every read. */
  public FieldVaultEndpoint(FieldVaultKeys keys, FieldVaultRotation rotation) {
    this(keys, rotation, Duration.ZERO);
  }

  /**
   * An endpoint that reuses an inventory younger than {@code inventoryMaxAge} (counting reads every
   * encrypted column), unless a rotation finished or the keys changed since it was taken; concurrent
   * reads share one count. {@link Duration#ZERO} counts on every read.
   */
  public FieldVaultEndpoint(FieldVaultKeys keys, FieldVaultRotation rotation, Duration inventoryMaxAge) {
    this.keys = keys;
    this.rotation = rotation;
    this.inventoryMaxAge = inventoryMaxAge == null || inventoryMaxAge.isNegative() ? Duration.ZERO : inventoryMaxAge;
  }

  /** Adds the secrets vault's scheduler to the report (the starter sets it when there is a vault). */
  void secretsScheduler(dev.fieldvault.spring.boot.internal.SecretsSchedulerReport report) {
    this.secretsScheduler = report;
  }

  /** The inventory shown: a recent enough one (see the constructor), else counted now. */
  protected KeyInventory inventory() {
    CachedInventory c = cached;
    if (usable(c)) {
      return c.inventory();
    }
    synchronized (scan) {
      c = cached;
      if (usable(c)) {
        return c.inventory();
      }
      Keyring keyring = keys.keyring();
      KeyInventory now = rotation.inventory();
      cached = new CachedInventory(now, keyring);
      return now;
    }
  }

  private boolean usable(CachedInventory c) {
    if (c == null || inventoryMaxAge.isZero() || c.keyring() != keys.keyring()) {
      return false;
    }
    Instant taken = c.inventory().takenAt();
    if (taken.plus(inventoryMaxAge).isBefore(Instant.now())) {
      return false;
    }
    FieldVaultRotation.Status status = rotation.status();
    return status.finishedAt() == null || taken.isAfter(status.finishedAt());
  }

  /** GET /actuator/fieldvault. */
  @ReadOperation
  public Map<String, Object> report() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kek", keys.kek().id());
    out.put("keysets", keysets());
    if (rotation != null) {
      try {
        KeyInventory inventory = inventory();
        out.put("inventory", inventory(inventory));
        out.put("inventoryTakenAt", String.valueOf(inventory.takenAt()));
      } catch (dev.fieldvault.jdbc.keystore.VaultStorageException e) {
        // a column's table cannot be read (dropped, renamed, an outage): say so, show the rest of the endpoint
        out.put("inventory", Map.of("error", String.valueOf(e.getMessage())));
      }
      out.put("rotation", rotation.status());
    }
    dev.fieldvault.spring.boot.internal.SecretsSchedulerReport scheduler = secretsScheduler;
    if (scheduler != null) {
      out.put("secretsScheduler", scheduler.report());
    }
    return out;
  }

  private List<Map<String, Object>> keysets() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (VaultKeyset ks : keys.keysets()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", ks.name());
      m.put("purpose", ks.purpose().name());
      m.put("primary", ks.primary().ordinal());
      List<Map<String, Object>> versions = new ArrayList<>();
      for (KeyInfo k : ks.keys()) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("ordinal", k.ordinal());
        v.put("keyId", k.keyIdText());
        v.put("status", k.status().name());
        v.put("primary", k.primary());
        versions.add(v);
      }
      m.put("keys", versions);
      out.add(m);
    }
    return out;
  }

  /** Each column's counts keyed {@code keyset#ordinal} (or {@code key <id>} for a key no loaded keyset holds). */
  private List<Map<String, Object>> inventory(KeyInventory inventory) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ColumnInventory c : inventory.columns()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("column", c.qualifiedName());
      m.put("blindIndex", c.blindIndex());
      Map<String, Long> byKey = new LinkedHashMap<>();
      c.valuesByKeyId().forEach((id, n) -> byKey.put(keyName(id), n));
      m.put("values", byKey);
      if (c.nulls() > 0) {
        m.put("nulls", c.nulls());
      }
      if (c.unrecognized() > 0) {
        m.put("unrecognized", c.unrecognized());
      }
      out.add(m);
    }
    return out;
  }

  private String keyName(int keyId) {
    for (VaultKeyset ks : keys.keysets()) {
      var k = ks.byKeyId(keyId);
      if (k.isPresent()) {
        return ks.name() + "#" + k.get().ordinal() + (k.get().primary() ? " (primary)" : "");
      }
    }
    return "key " + Integer.toUnsignedString(keyId);
  }
}
