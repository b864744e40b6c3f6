package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.secrets.AuditAction;
import dev.fieldvault.secrets.AuditListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The secrets vault's audit listener, handing each appended event to whoever registered (the meters). */
public final class SecretsAuditEvents implements AuditListener {

  private final List<AuditListener> listeners = new CopyOnWriteArrayList<>();

  public void add(AuditListener listener) {
    listeners.add(listener);
  }

  @Override
  public void appended(AuditAction action, String outcome, Duration lag) {
    for (AuditListener l : listeners) {
      l.appended(action, outcome, lag);
    }
  }
}
