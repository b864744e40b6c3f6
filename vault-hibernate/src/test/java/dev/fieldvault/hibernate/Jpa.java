package dev.fieldvault.hibernate;

import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/** Builds session factories on a test database, and runs work in a transaction. */
final class Jpa {

  private Jpa() {}

  static SessionFactory build(TestDatabase db, Keyring keyring, Class<?>... entities) {
    Map<String, Object> settings = new HashMap<>();
    if (keyring != null) {
      settings.put(FieldVaultSettings.KEYRING, keyring);
    }
    return build(db, settings, entities);
  }

  static SessionFactory build(TestDatabase db, Map<String, Object> settings, Class<?>... entities) {
    Configuration cfg = new Configuration();
    for (Class<?> c : entities) {
      cfg.addAnnotatedClass(c);
    }
    cfg.setProperty("hibernate.connection.url", db.url());
    cfg.setProperty("hibernate.connection.username", db.user());
    cfg.setProperty("hibernate.connection.password", db.password());
    cfg.setProperty("hibernate.hbm2ddl.auto", "create");
    cfg.setProperty("hibernate.connection.pool_size", "2");
    cfg.getProperties().putAll(settings);
    return cfg.buildSessionFactory();
  }

  static void tx(SessionFactory sf, Consumer<Session> work) {
    call(sf, s -> {
      work.accept(s);
      return null;
    });
  }

  static <T> T call(SessionFactory sf, Function<Session, T> work) {
    return call(sf.openSession(), work);
  }

  /** Runs work in a transaction of a session of a tenant (discriminator multi-tenancy). */
  static <T> T call(SessionFactory sf, String tenant, Function<Session, T> work) {
    return call(sf.withOptions().tenantIdentifier(tenant).openSession(), work);
  }

  private static <T> T call(Session session, Function<Session, T> work) {
    try (Session s = session) {
      s.getTransaction().begin();
      try {
        T result = work.apply(s);
        s.getTransaction().commit();
        return result;
      } catch (RuntimeException e) {
        if (s.getTransaction().isActive()) {
          s.getTransaction().rollback();
        }
        throw e;
      }
    }
  }

  /** One column of one row, as the JDBC driver returns it (bytes for binary, String for text). */
  static Object raw(TestDatabase db, String table, String column, Object id) throws SQLException {
    try (Connection c = db.connect(); var ps = c.prepareStatement("select " + column + " from " + table + " where id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row " + id + " in " + table);
        }
        Object v = rs.getObject(1);
        return v;
      }
    }
  }

  static int update(TestDatabase db, String sql, Object... args) throws SQLException {
    try (Connection c = db.connect(); var ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  static void exec(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
