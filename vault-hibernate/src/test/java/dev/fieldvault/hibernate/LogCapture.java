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
 * Captures what is logged while some work runs: FieldVault's SLF4J logging (slf4j-simple, which
 * writes to the current {@code System.err}) and Hibernate's JBoss logging routed to JUL, with its SQL,
 * bind and extract loggers at TRACE. One line per record.
 */
final class LogCapture {

  private static final String[] HIBERNATE = {"org.hibernate.SQL", "org.hibernate.orm.jdbc.bind",
      "org.hibernate.orm.jdbc.extract", "org.hibernate.internal.util.EntityPrinter", "org.hibernate.orm.sql.exec"};

  private LogCapture() {}

  static List<String> during(Runnable work) {
    List<String> lines = new ArrayList<>();
    Handler handler = new Handler() {
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

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.ALL);
    List<Logger> loggers = new ArrayList<>();
    for (String name : HIBERNATE) {
      Logger l = Logger.getLogger(name);
      l.setLevel(Level.ALL);
      l.addHandler(handler);
      loggers.add(l);
    }
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setErr(err);
      for (Logger l : loggers) {
        l.removeHandler(handler);
      }
    }
    String slf4j = captured.toString(StandardCharsets.UTF_8);
    err.print(slf4j);
    synchronized (handler) {
      List<String> out = new ArrayList<>(lines);
      out.addAll(Arrays.asList(slf4j.split("\n")));
      return out;
    }
  }
}
