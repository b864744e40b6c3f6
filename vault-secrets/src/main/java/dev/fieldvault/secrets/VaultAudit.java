package dev.fieldvault.secrets;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.AuditAppender;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.secrets.internal.Jdbc;
import dev.fieldvault.secrets.internal.SqlStates;
import dev.fieldvault.secrets.internal.Tables;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's audit ({@link SecretsVault#auditEvents}, {@link SecretsVault#verifyAuditChain},
 * {@link SecretsVault#auditAnchor}, {@link SecretsVault#purgeAuditEvents},
 * {@link SecretsVault#flushAudit}): the keyed audit chain ({@link AuditLog}), and read events
 * recorded as the {@link ReadAudit} mode says, through the audit thread ({@link AuditAppender}) when
 * reads are audited. Split out of {@link SecretsVault}, whose connections and transactions it uses;
 * its failures name tables and SQL states, never a value.
 */
final class VaultAudit {

  private static final Logger LOG = LoggerFactory.getLogger(SecretsVault.class);

  private final SecretsVault vault;
  private final Tables tables;
  private final AuditLog log;
  private final ReadAudit readAudit;
  private final Duration readAuditTimeout;
  private final AuditAppender appender;

  VaultAudit(SecretsVault vault, DataSource dataSource, Tables tables, FieldCipher cipher, ReadAudit readAudit,
      Duration readAuditTimeout, AuditListener listener) {
    this.vault = vault;
    this.tables = tables;
    this.log = new AuditLog(tables, cipher, listener);
    this.readAudit = readAudit;
    this.readAuditTimeout = readAuditTimeout;
    this.appender = readAudit == ReadAudit.OFF ? null : new AuditAppender(events -> Jdbc.inTransaction(dataSource,
        c -> {
          log.appendTimed(c, events);
          return null;
        }, log), readAudit == ReadAudit.BATCHED ? 50 : 0, readAuditTimeout.toMillis());
  }

  /** The audit chain, to append events in a transaction of the caller's. */
  AuditLog log() {
    return log;
  }

  /** One page of audit events matching the query, oldest first. */
  Page<AuditEvent> events(AuditQuery query) {
    flush();
    return vault.call("list audit events", c -> log.list(c, query));
  }

  /** The whole chain checked. */
  ChainCheck verify() {
    flush();
    return vault.call("verify audit chain", log::verify);
  }

  /** The whole chain checked, and against an anchor kept outside the database. */
  ChainCheck verify(AuditAnchor anchor) {
    flush();
    return vault.call("verify audit chain", c -> log.verify(c, anchor));
  }

  /**
   * The anchor of the chain now.
   *
   * @throws VaultConfigurationException when the chain has no keyed event yet
   */
  AuditAnchor anchor() {
    flush();
    AuditAnchor a = vault.call("read the audit anchor", log::anchor);
    if (a == null) {
      throw new VaultConfigurationException("The audit chain has no keyed event yet: perform any audited operation"
          + " (for example createStore), then take the anchor");
    }
    return a;
  }

  /** Deletes events older than {@code retention} (zero or more); returns how many. */
  long purge(Duration retention) {
    long cutoff = vault.now().minus(retention).toEpochMilli();
    return vault.tx("purge audit", x -> log.purgeBefore(x, cutoff));
  }

  /**
   * Records read events: with {@link ReadAudit#SYNC} through the audit thread, returning once they are
   * committed; queued when batching; in a transaction of their own when reads are not audited.
   *
   * @throws SecretsAuditException when they could not be committed (the read must not return its value)
   */
  void recordReads(List<AuditLog.Draft> drafts) {
    vault.checkOpen();
    if (drafts.isEmpty()) {
      return;
    }
    long at = vault.now().toEpochMilli();
    if (appender == null) {
      vault.tx("audit", c -> {
        log.append(c, at, drafts);
        return null;
      });
      return;
    }
    List<AuditLog.Timed> events = new ArrayList<>(drafts.size());
    for (AuditLog.Draft d : drafts) {
      events.add(new AuditLog.Timed(at, d));
    }
    try {
      if (readAudit == ReadAudit.SYNC) {
        appender.appendAndWait(events);
      } else {
        appender.submit(events);
      }
    } catch (SQLException | TimeoutException | InterruptedException e) {
      throw failure("the read's result was withheld", e);
    } catch (IllegalStateException e) {
      vault.checkOpen(); // closed while this read was under way
      throw e;
    }
  }

  /**
   * Appends the read events queued by {@link ReadAudit#BATCHED} now (a no-op otherwise).
   *
   * @throws SecretsAuditException when they could not be appended (they stay queued for a retry)
   */
  void flush() {
    vault.checkOpen();
    if (readAudit == ReadAudit.BATCHED) {
      try {
        appender.flush();
      } catch (SQLException | TimeoutException | InterruptedException e) {
        throw failure("they stay queued and are retried", e);
      }
    }
  }

  private SecretsAuditException failure(String consequence, Exception e) {
    String why;
    if (e instanceof SQLException) {
      why = "Appending read events to the audit log " + tables.audit + " failed (SQLState "
          + ((SQLException) e).getSQLState() + "; " + SqlStates.advice((SQLException) e, tables) + ")";
    } else if (e instanceof TimeoutException) {
      why = "Read events were not committed to the audit log " + tables.audit + " within "
          + readAuditTimeout.toMillis() + " ms (is its head row " + tables.auditHead + " locked, or the database"
          + " overloaded? they may still be recorded)";
    } else {
      Thread.currentThread().interrupt();
      why = "Interrupted while waiting for read events to be committed to the audit log " + tables.audit;
    }
    return new SecretsAuditException(why + ": " + consequence, e);
  }

  /** Appends queued read events and stops the audit thread; a failure is logged (by kind only). */
  void close() {
    if (appender != null) {
      try {
        appender.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (SQLException | TimeoutException e) {
        LOG.warn("Appending queued audit events at close failed ({})", e.getClass().getSimpleName());
      }
    }
  }

  /** Audit transactions committed by the audit thread (tests: reads share them). */
  long transactions() {
    return appender == null ? 0 : appender.transactions();
  }

  /** Readers waiting for their audit events to commit (tests). */
  int waiters() {
    return appender == null ? 0 : appender.waiting();
  }
}
