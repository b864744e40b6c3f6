package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.secrets.SecretsVault;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the secrets vault's scheduler once the application context has started (every bean created,
 * FieldVault's and the application's Liquibase applied), and stops it first when the context closes
 * (a running task gets the schedule's stop wait to end and release its lease); the vault's
 * {@code close()} stops it too. A missing lease table stops the start-up.
 */
public final class SecretsSchedulerLifecycle implements SmartLifecycle {

  private final SecretsVault vault;
  private final boolean scheduled;
  private volatile boolean running;

  /** For {@code vault}; idle when {@code scheduled} is false (no task configured, or the scheduler is off). */
  public SecretsSchedulerLifecycle(SecretsVault vault, boolean scheduled) {
    this.vault = vault;
    this.scheduled = scheduled;
  }

  @Override
  public void start() {
    if (scheduled) {
      vault.startScheduler();
    }
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    if (scheduled) {
      vault.stopScheduler();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
