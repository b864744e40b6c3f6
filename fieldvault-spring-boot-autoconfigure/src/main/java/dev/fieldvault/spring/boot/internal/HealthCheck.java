package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import dev.fieldvault.spring.boot.FieldVaultRotation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * FieldVault's health, the same on both Boot lines (each line's HealthIndicator adapts it): the
 * loaded keysets still stored, the KMS reachable (for a KMS KEK, checked at most once a minute), the
 * rotation's state, and the secrets vault's audit chain (checked at most every five minutes). DOWN
 * carries the reason. Details are names, counts and states: never a value or key material.
 */
public final class HealthCheck {

  /** The outcome: up or down, the reasons when down, and the details. */
  public record Result(boolean up, List<String> problems, Map<String, Object> details) {}

  private static final Duration KMS_EVERY = Duration.ofMinutes(1);
  private static final Duration AUDIT_EVERY = Duration.ofMinutes(5);
  private static final byte[] PROBE = "fieldvault health probe".getBytes(StandardCharsets.UTF_8);

  private final FieldVaultKeys keys;
  private final boolean kms;
  private final Supplier<FieldVaultRotation> rotation;
  private final Supplier<AuditChain> audit;
  private volatile Instant kmsCheckedAt;
  private volatile String kmsProblem;
  private volatile Instant auditCheckedAt;
  private volatile Map<String, Object> auditDetails;
  private volatile String auditProblem;

  /** The secrets vault's audit chain check, as the adapter sees it. */
  public interface AuditChain {
    /** Null when intact, else the problem; {@code details} receives counts. */
    String check(Map<String, Object> details);
  }

  public HealthCheck(FieldVaultKeys keys, boolean kms, Supplier<FieldVaultRotation> rotation, Supplier<AuditChain> audit) {
    this.keys = keys;
    this.kms = kms;
    this.rotation = rotation;
    this.audit = audit;
  }

  public Result check() {
    List<String> problems = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>();
    keys(problems, details);
    if (kms) {
      kms(problems, details);
    }
    FieldVaultRotation r = rotation.get();
    if (r != null) {
      FieldVaultRotation.Status s = r.status();
      Map<String, Object> rd = new LinkedHashMap<>();
      rd.put("state", s.state().name());
      if (s.rotationId() != null) {
        rd.put("rotationId", s.rotationId());
      }
      if (s.state() == FieldVaultRotation.State.FAILED || s.state() == FieldVaultRotation.State.INCOMPLETE) {
        rd.put("message", s.message());
      }
      details.put("rotation", rd);
    }
    AuditChain chain = audit.get();
    if (chain != null) {
      audit(chain, problems, details);
    }
    if (!problems.isEmpty()) {
      details.put("reason", String.join("; ", problems));
    }
    return new Result(problems.isEmpty(), problems, details);
  }

  private void keys(List<String> problems, Map<String, Object> details) {
    Map<String, Object> kd = new LinkedHashMap<>();
    List<String> loaded = new ArrayList<>();
    for (VaultKeyset ks : keys.keysets()) {
      loaded.add(ks.name() + " (" + ks.purpose() + ", primary #" + ks.primary().ordinal() + ", " + ks.keys().size()
          + (ks.keys().size() == 1 ? " key)" : " keys)"));
    }
    kd.put("loaded", loaded);
    kd.put("kek", keys.kek().id());
    kd.put("lastLoaded", String.valueOf(keys.lastLoaded()));
    keys.lastReloadFailure().ifPresent(f -> {
      kd.put("lastReloadFailure", f);
      problems.add("the last key refresh failed: " + f);
    });
    KeyStore store = keys.keyStore().orElse(null);
    if (store != null) {
      List<String> names = keys.keysets().stream().map(VaultKeyset::name).toList();
      try {
        Map<String, Long> versions = store.versions(names);
        List<String> missing = names.stream().filter(n -> !versions.containsKey(n)).toList();
        if (!missing.isEmpty()) {
          problems.add("keyset" + (missing.size() > 1 ? "s " : " ") + missing + " no longer in "
              + store.tables().keyset() + ": this instance still holds the loaded keys, but no instance can start"
              + " or reload; restore the keysets from a backup");
        }
        kd.put("stored", versions.keySet());
      } catch (RuntimeException e) {
        problems.add("the key store " + store.tables().keyset() + " cannot be read: " + e.getMessage());
      }
    }
    details.put("keys", kd);
  }

  private void kms(List<String> problems, Map<String, Object> details) {
    Instant at = kmsCheckedAt;
    if (at == null || at.plus(KMS_EVERY).isBefore(Instant.now())) {
      KeyEncryptionKey kek = keys.kek();
      try {
        kek.aeadForKeyset("fieldvault-health").encrypt(PROBE, PROBE);
        kmsProblem = null;
      } catch (Exception e) {
        kmsProblem = "the KMS key " + kek.id() + " cannot be reached: " + e.getMessage();
      }
      kmsCheckedAt = Instant.now();
    }
    Map<String, Object> kd = new LinkedHashMap<>();
    kd.put("reachable", kmsProblem == null);
    kd.put("checkedAt", String.valueOf(kmsCheckedAt));
    details.put("kms", kd);
    if (kmsProblem != null) {
      problems.add(kmsProblem);
    }
  }

  private void audit(AuditChain chain, List<String> problems, Map<String, Object> details) {
    Instant at = auditCheckedAt;
    if (at == null || at.plus(AUDIT_EVERY).isBefore(Instant.now())) {
      Map<String, Object> d = new LinkedHashMap<>();
      try {
        auditProblem = chain.check(d);
      } catch (RuntimeException e) {
        auditProblem = "the secrets vault's audit chain cannot be checked: " + e.getMessage();
      }
      d.put("intact", auditProblem == null);
      d.put("checkedAt", String.valueOf(Instant.now()));
      auditDetails = d;
      auditCheckedAt = Instant.now();
    }
    details.put("secretsAudit", auditDetails);
    if (auditProblem != null) {
      problems.add(auditProblem);
    }
  }
}
