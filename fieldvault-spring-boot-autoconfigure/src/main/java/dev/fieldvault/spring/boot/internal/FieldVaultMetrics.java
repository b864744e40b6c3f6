package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.jdbc.rotation.RotationListener;
import dev.fieldvault.jdbc.rotation.RotationProgress;
import dev.fieldvault.keys.CipherMetrics;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import dev.fieldvault.spring.boot.FieldVaultRotation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * FieldVault's Micrometer meters, in the manner of HikariCP's: a fixed set of meters created once,
 * tagged only with bounded, non-secret values (a mode, a failure reason, a table name), updated from
 * the cipher's {@link CipherMetrics} hook and the rotation job's progress.
 *
 * <ul>
 *   <li>{@code fieldvault.cipher.encrypt}, {@code fieldvault.cipher.decrypt} (timers; tag {@code mode}:
 *       randomized, deterministic);
 *   <li>{@code fieldvault.cipher.failures} (counter; tag {@code reason}: tampered, unknown_key,
 *       key_disabled, malformed);
 *   <li>{@code fieldvault.rotation.rows} (counter; tags {@code result}: rewrapped, conflicted, failed,
 *       and {@code table}); {@code fieldvault.rotation.running} (gauge, 0 or 1);
 *   <li>{@code fieldvault.keys.versions} (gauge per keyset: its key versions; tag {@code keyset}).
 * </ul>
 */
public final class FieldVaultMetrics implements MeterBinder, CipherMetrics, RotationListener {

  private final FieldVaultKeys keys;
  private final FieldVaultRotation rotation;
  private final Map<EncryptionMode, Timer> encrypt = new EnumMap<>(EncryptionMode.class);
  private final Map<EncryptionMode, Timer> decrypt = new EnumMap<>(EncryptionMode.class);
  private final Map<Failure, Counter> failures = new EnumMap<>(Failure.class);
  private final Map<String, long[]> lastByTable = new HashMap<>();
  private volatile MeterRegistry registry;

  public FieldVaultMetrics(FieldVaultKeys keys, FieldVaultRotation rotation) {
    this.keys = keys;
    this.rotation = rotation;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    for (EncryptionMode m : EncryptionMode.values()) {
      String mode = m.name().toLowerCase(Locale.ROOT);
      encrypt.put(m, Timer.builder("fieldvault.cipher.encrypt").description("Values encrypted by FieldVault")
          .tag("mode", mode).register(registry));
      decrypt.put(m, Timer.builder("fieldvault.cipher.decrypt").description("Values decrypted by FieldVault")
          .tag("mode", mode).register(registry));
    }
    for (Failure f : Failure.values()) {
      failures.put(f, Counter.builder("fieldvault.cipher.failures").description("Decryptions that failed, by reason")
          .tag("reason", f.name().toLowerCase(Locale.ROOT)).register(registry));
    }
    for (var ks : keys.keysets()) {
      String name = ks.name();
      Gauge.builder("fieldvault.keys.versions", keys, k -> k.keysets().stream().filter(x -> x.name().equals(name))
          .mapToInt(x -> x.keys().size()).sum()).description("Key versions in the keyset").tag("keyset", name)
          .register(registry);
    }
    if (rotation != null) {
      Gauge.builder("fieldvault.rotation.running", rotation,
          r -> r.status().state() == FieldVaultRotation.State.RUNNING ? 1 : 0)
          .description("Whether this instance runs a rotation").register(registry);
      rotation.addListener(this);
    }
    keys.cipher().setMetrics(this);
  }

  @Override
  public void encrypted(EncryptionMode mode, long nanos) {
    Timer t = encrypt.get(mode);
    if (t != null) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void decrypted(EncryptionMode mode, long nanos) {
    Timer t = decrypt.get(mode);
    if (t != null) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void decryptionFailed(Failure reason) {
    Counter c = failures.get(reason);
    if (c != null) {
      c.increment();
    }
  }

  /** Rotation progress counts are cumulative per worker and table: the meters get the increments. */
  @Override
  public void onProgress(RotationProgress p) {
    MeterRegistry r = registry;
    if (r == null || p.dryRun()) {
      return;
    }
    long[] last;
    synchronized (lastByTable) {
      last = lastByTable.computeIfAbsent(p.rotationId() + "\u0000" + p.table(), k -> new long[3]);
    }
    long[] now = {p.rowsRewrapped(), p.rowsConflicted(), p.rowsFailed()};
    String[] result = {"rewrapped", "conflicted", "failed"};
    for (int i = 0; i < 3; i++) {
      long delta;
      synchronized (last) {
        // counts only grow within a worker's run; a smaller one is a new pass over re-opened tables
        delta = now[i] >= last[i] ? now[i] - last[i] : now[i];
        last[i] = now[i];
      }
      if (delta > 0) {
        Counter.builder("fieldvault.rotation.rows").description("Rows handled by FieldVault's rotation, by result")
            .tag("result", result[i]).tag("table", p.table()).register(r).increment(delta);
      }
    }
  }
}
