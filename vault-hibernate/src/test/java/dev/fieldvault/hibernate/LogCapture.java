package dev.fieldvault.hibernate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the records of Hibernate's SQL, bind and extract loggers at TRACE while open (Hibernate logs
 * through JBoss Logging, routed to JUL in the tests: src/test/resources/logging.properties), with their
 * parameters (bytes as ISO-8859-1, so a plaintext inside them would show).
 */
final class LogCapture extends Handler implements AutoCloseable {
  private static final String[] LOGGERS = {"org.hibernate.SQL", "org.hibernate.orm.jdbc.bind",
      "org.hibernate.orm.jdbc.extract"};
  private final List<String> lines = new ArrayList<>();
  private final List<Logger> loggers = new ArrayList<>();

  LogCapture() {
    setLevel(Level.ALL);
    for (String name : LOGGERS) {
      Logger l = Logger.getLogger(name);
      l.setLevel(Level.ALL);
      l.addHandler(this);
      loggers.add(l);
    }
  }

  @Override
  public synchronized void publish(LogRecord r) {
    StringBuilder sb = new StringBuilder(r.getLoggerName()).append(' ').append(r.getMessage());
    if (r.getParameters() != null) {
      for (Object p : r.getParameters()) {
        sb.append(" | ").append(p instanceof byte[] ? new String((byte[]) p, StandardCharsets.ISO_8859_1) : p);
      }
    }
    lines.add(sb.toString());
  }

  synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  synchronized String all() {
    return String.join("\n", lines);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    for (Logger l : loggers) {
      l.removeHandler(this);
    }
  }
}
