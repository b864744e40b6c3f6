package dev.fieldvault.cli;

import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.hibernate.HibernateRotation;
import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.secrets.ReadAudit;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import picocli.CommandLine.Option;

/**
 * Which encrypted columns a command works on: declared in a tables file (JSON, see
 * {@link TablesFile}) or discovered from an application's {@code @Encrypted} entity classes, and
 * the secrets vault's stored values when its table prefix is given.
 */
final class TablesOptions {

  @Option(names = "--tables", paramLabel = "FILE",
      description = "JSON file declaring the tables and their encrypted columns (see the README).")
  Path tablesFile;

  @Option(names = "--entities", split = ",", paramLabel = "CLASS",
      description = "Entity classes with @Encrypted attributes (comma-separated, fully qualified).")
  List<String> entities;

  @Option(names = "--classpath", split = ":", paramLabel = "PATH",
      description = "Jars or directories holding the entity classes (separated by ':').")
  List<Path> classpath;

  @Option(names = "--secrets-prefix", paramLabel = "PREFIX",
      description = "Also the values of the secrets vault with these tables (e.g. fv_secret_).")
  String secretsPrefix;

  boolean given() {
    return declaresColumns() || secretsPrefix != null;
  }

  private boolean declaresColumns() {
    return tablesFile != null || (entities != null && !entities.isEmpty());
  }

  /** The declared or discovered tables and, with --secrets-prefix, the secrets vault's tables. */
  List<EncryptedTable> resolve(DataSource ds) {
    List<EncryptedTable> all = new ArrayList<>(declared(ds));
    if (secretsPrefix != null) {
      // the vault's tables read their contexts from the store rows, not from keys: any keyring will do
      all.addAll(secretsVault(ds, FieldCipher.create(Keyring.generate("cli-inventory"))).encryptedTables());
    }
    return all;
  }

  /** The declared or discovered tables only (empty when only --secrets-prefix is given). */
  List<EncryptedTable> declared(DataSource ds) {
    if (tablesFile != null && entities != null && !entities.isEmpty()) {
      throw new CliException("declare the encrypted columns with either --tables FILE or --entities CLASS[,CLASS...],"
          + " not both");
    }
    if (!declaresColumns()) {
      if (secretsPrefix != null) {
        return List.of();
      }
      throw new CliException("declare the encrypted columns: either --tables FILE or --entities CLASS[,CLASS...],"
          + " and/or --secrets-prefix PREFIX for the secrets vault's values");
    }
    return tablesFile != null ? TablesFile.read(tablesFile) : discover(ds);
  }

  /** The secrets vault of --secrets-prefix (null without it); its reads are not audited (operators' tool). */
  SecretsVault secretsVault(DataSource ds, FieldCipher cipher) {
    return secretsPrefix == null ? null
        : SecretsVault.builder(ds, cipher).tablePrefix(secretsPrefix).readAudit(ReadAudit.OFF).build();
  }

  private List<EncryptedTable> discover(DataSource ds) {
    ClassLoader loader = loader();
    List<Class<?>> classes = new ArrayList<>();
    for (String name : entities) {
      try {
        classes.add(Class.forName(name.trim(), false, loader));
      } catch (ClassNotFoundException | LinkageError e) {
        throw new CliException("entity class " + name + " not found: put its jar or directory on --classpath");
      }
    }
    Configuration cfg = new Configuration();
    classes.forEach(cfg::addAnnotatedClass);
    cfg.getProperties().put(AvailableSettings.DATASOURCE, ds);
    cfg.getProperties().put(AvailableSettings.CLASSLOADERS, List.of(loader));
    // discovery reads the mapping only: no value is decrypted, so any keyring will do
    cfg.getProperties().put(FieldVaultSettings.KEYRING, Keyring.generate("cli-discovery"));
    cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
    Thread t = Thread.currentThread();
    ClassLoader previous = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try (SessionFactory sf = cfg.buildSessionFactory()) {
      return HibernateRotation.tables(HibernateVault.of(sf));
    } catch (IllegalArgumentException e) {
      throw new CliException("no @Encrypted attribute in " + entities + ": " + e.getMessage());
    } finally {
      t.setContextClassLoader(previous);
    }
  }

  private ClassLoader loader() {
    ClassLoader parent = TablesOptions.class.getClassLoader();
    if (classpath == null || classpath.isEmpty()) {
      return parent;
    }
    List<URL> urls = new ArrayList<>();
    for (Path p : classpath) {
      try {
        urls.add(p.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new CliException("bad --classpath entry " + p);
      }
    }
    return new URLClassLoader(urls.toArray(new URL[0]), parent);
  }
}
