package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.Customer;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hibernate logs through JBoss Logging, routed to JUL for the tests (org.jboss.logging.provider=jdk
 * and src/test/resources/logging.properties set SQL and bind logging to TRACE). This test captures
 * those records and checks that no plaintext of an encrypted attribute appears in them.
 */
class HibernateLoggingTest {

  private static final String[] LOGGERS = {"org.hibernate.SQL", "org.hibernate.orm.jdbc.bind",
      "org.hibernate.orm.jdbc.extract", "org.hibernate.internal.util.EntityPrinter", "org.hibernate.orm.sql.exec"};

  /** Collects formatted log records. */
  private static final class Capture extends Handler {
    final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void publish(LogRecord r) {
      String msg = r.getMessage();
      Object[] params = r.getParameters();
      StringBuilder sb = new StringBuilder(r.getLoggerName()).append(' ').append(r.getLevel()).append(' ')
          .append(msg);
      if (params != null) {
        for (Object p : params) {
          sb.append(" | ").append(p instanceof byte[] ? new String((byte[]) p, java.nio.charset.StandardCharsets.ISO_8859_1) : p);
        }
      }
      lines.add(sb.toString());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void traceSqlAndBindLogging_neverShowsAPlaintextValue(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    Capture capture = new Capture();
    capture.setLevel(Level.ALL);
    List<Logger> loggers = new ArrayList<>();
    for (String name : LOGGERS) {
      Logger l = Logger.getLogger(name);
      l.setLevel(Level.ALL);
      l.addHandler(capture);
      loggers.add(l);
    }
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("log"), Customer.class)) {
      Customer c = new Customer("visible-name-marker", "secret.mail@example.com", "SSN-SECRET-9", "PHONE-SECRET-7");
      Jpa.tx(sf, s -> s.persist(c));
      Jpa.tx(sf, s -> {
        Customer found = s.createQuery("select c from Customer c where c.email = :e and c.name = :n", Customer.class)
            .setParameter("e", "secret.mail@example.com").setParameter("n", "visible-name-marker").getSingleResult();
        assertThat(found.ssn).isEqualTo("SSN-SECRET-9");
        found.phone = "PHONE-SECRET-8";
      });
    } finally {
      for (Logger l : loggers) {
        l.removeHandler(capture);
      }
    }
    String all = String.join("\n", capture.lines);
    // the capture works: SQL statements and the binding of a plain attribute are logged at TRACE
    assertThat(all).contains("insert into hib_customer").containsIgnoringCase("where");
    assertThat(capture.lines).anySatisfy(line -> assertThat(line).startsWith("org.hibernate.orm.jdbc.bind")
        .contains("visible-name-marker"));
    // and no plaintext of an encrypted attribute appears anywhere
    assertThat(all).doesNotContain("secret.mail").doesNotContain("SSN-SECRET").doesNotContain("PHONE-SECRET");
  }
}
