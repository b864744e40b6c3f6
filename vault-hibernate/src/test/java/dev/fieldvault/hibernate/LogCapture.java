package dev.fieldvault.hibernate;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the records of Hibernate's SQL, bind, extract, entity-printer and execution loggers at TRACE
 * while open (Hibernate logs through JBoss Logging, routed to JUL in the tests:
 * src/test/resources/logging.properties), with their parameters (bytes as ISO-8859-1, so a plaintext
 * inside them would show). {@link #during(Runnable)} also captures FieldVault's own SLF4J logging
 * (slf4j-simple, which writes to the current {@code System.err}). One line per record.
 */
final class LogCapture extends Handler implements AutoCloseable {
  private static final String[] LOGGERS = {"org.hibernate.SQL", "org.hibernate.orm.jdbc.bind",
      "org.hibernate.orm.jdbc.extract", "org.hibernate.internal.util.EntityPrinter", "org.hibernate.orm.sql.exec"};
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

  /** Runs the work and returns every line Hibernate's loggers and FieldVault's SLF4J logging wrote meanwhile. */
  static List<String> during(Runnable work) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> out;
    try (LogCapture capture = new LogCapture()) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        work.run();
      } finally {
        System.setErr(err);
      }
      out = capture.lines();
    }
    String slf4j = captured.toString(StandardCharsets.UTF_8);
    err.print(slf4j);
    out.addAll(Arrays.asList(slf4j.split("\n")));
    return out;
  }

  @Override
  public synchronized void publish(LogRecord r) {
    StringBuilder sb = new StringBuilder(r.getLoggerName()).append(' ').append(r.getLevel()).append(' ')
        .append(r.getMessage());
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
