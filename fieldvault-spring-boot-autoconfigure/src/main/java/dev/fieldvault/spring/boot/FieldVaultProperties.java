package dev.fieldvault.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * FieldVault's settings under {@code fieldvault.*}. The minimum is a master secret in the
 * environment variable {@code FIELDVAULT_MASTER_SECRET} (or {@link Kek#getMasterSecretEnv() another
 * one}) and keysets in the database key store (created by {@code fieldvault keys generate}, or at
 * start-up with {@code fieldvault.keys.create-if-missing=true} in development).
 */
@ConfigurationProperties(prefix = "fieldvault")
public class FieldVaultProperties {

  /** Whether FieldVault is configured at all. */
  private boolean enabled = true;

  private final Kek kek = new Kek();
  private final Keys keys = new Keys();
  private final Tenants tenants = new Tenants();
  private final Hibernate hibernate = new Hibernate();
  private final Jdbc jdbc = new Jdbc();
  private final Secrets secrets = new Secrets();
  private final Rotation rotation = new Rotation();
  private final Liquibase liquibase = new Liquibase();
  private final Endpoint endpoint = new Endpoint();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Kek getKek() {
    return kek;
  }

  public Keys getKeys() {
    return keys;
  }

  public Tenants getTenants() {
    return tenants;
  }

  public Hibernate getHibernate() {
    return hibernate;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public Secrets getSecrets() {
    return secrets;
  }

  public Rotation getRotation() {
    return rotation;
  }

  public Liquibase getLiquibase() {
    return liquibase;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  /**
   * The key-encryption key (KEK) the keysets are stored under. Exactly one source is used, in this
   * order: {@code kms-key-uri}, {@code local-keyset-file}, {@code master-secret-file},
   * {@code master-secret}, then the environment variable named by {@code master-secret-env}.
   */
  public static class Kek {

    /**
     * The environment variable holding the master secret (at least 32 random characters, for example
     * from {@code openssl rand -base64 48}).
     */
    private String masterSecretEnv = "FIELDVAULT_MASTER_SECRET";

    /**
     * A file holding the master secret (a mounted container secret, for example
     * {@code /run/secrets/fieldvault-master}); surrounding whitespace is ignored.
     */
    private Path masterSecretFile;

    /**
     * The master secret itself, from a property source that keeps secrets (a config server, a vault);
     * prefer {@code master-secret-env} or {@code master-secret-file}. Never logged or shown.
     */
    private String masterSecret;

    /** A Tink AEAD keyset in plaintext JSON used as the KEK (a local master key file, as tinkey writes). */
    private Path localKeysetFile;

    /**
     * A KMS key URI; {@code aws-kms://arn:aws:kms:<region>:<account>:key/<id>} uses vault-kms-aws
     * (add it to the build), other URIs the Tink KmsClient registered for them.
     */
    private String kmsKeyUri;

    /** AWS KMS only: the region (default: the AWS SDK's region chain). */
    private String kmsRegion;

    /** AWS KMS only: another endpoint (a VPC endpoint, or a local KMS for tests). */
    private String kmsEndpoint;

    public String getMasterSecretEnv() {
      return masterSecretEnv;
    }

    public void setMasterSecretEnv(String masterSecretEnv) {
      this.masterSecretEnv = masterSecretEnv;
    }

    public Path getMasterSecretFile() {
      return masterSecretFile;
    }

    public void setMasterSecretFile(Path masterSecretFile) {
      this.masterSecretFile = masterSecretFile;
    }

    public String getMasterSecret() {
      return masterSecret;
    }

    public void setMasterSecret(String masterSecret) {
      this.masterSecret = masterSecret;
    }

    public Path getLocalKeysetFile() {
      return localKeysetFile;
    }

    public void setLocalKeysetFile(Path localKeysetFile) {
      this.localKeysetFile = localKeysetFile;
    }

    public String getKmsKeyUri() {
      return kmsKeyUri;
    }

    public void setKmsKeyUri(String kmsKeyUri) {
      this.kmsKeyUri = kmsKeyUri;
    }

    public String getKmsRegion() {
      return kmsRegion;
    }

    public void setKmsRegion(String kmsRegion) {
      this.kmsRegion = kmsRegion;
    }

    public String getKmsEndpoint() {
      return kmsEndpoint;
    }

    public void setKmsEndpoint(String kmsEndpoint) {
      this.kmsEndpoint = kmsEndpoint;
    }

    @Override
    public String toString() {
      // a value that may be a mis-pasted secret is not shown (see KekSettings)
      return "Kek{masterSecretEnv=" + (masterSecretEnv == null ? null
          : dev.fieldvault.spring.boot.internal.KekSettings.showVariable(masterSecretEnv)) + ", masterSecretFile="
          + (masterSecretFile == null ? null : dev.fieldvault.spring.boot.internal.KekSettings.showFile(masterSecretFile))
          + ", masterSecret=" + (masterSecret == null ? "unset" : "[hidden]") + ", localKeysetFile="
          + localKeysetFile + ", kmsKeyUri=" + (kmsKeyUri == null ? null
          : dev.fieldvault.spring.boot.internal.KekSettings.showKmsUri(kmsKeyUri)) + "}";
    }
  }

  /** Where the data keysets live, and which keyset serves which mode. */
  public static class Keys {

    /** Where the keysets are loaded from: the database key store table, or encrypted keyset files. */
    private Store store = Store.DATABASE;

    /** The keyset for randomized fields (AEAD). */
    private String aead = "app-aead";

    /** The keyset for deterministic (queryable) fields; empty when none is used. */
    private String deterministic = "app-daead";

    /** The keyset for blind indexes (PRF); empty when none is used. */
    private String prf = "app-prf";

    /** The encrypted keyset file of each keyset, when {@code store=files}: {@code aead}, {@code deterministic}, {@code prf}. */
    private final Files files = new Files();

    /** The prefix of the key store and rotation tables ({@code <prefix>keyset}, {@code <prefix>rotation}, ...). */
    private String tablePrefix = "fieldvault_";

    /**
     * How often every instance looks for keys promoted by another instance (one cheap query; the
     * KEK is used only when a keyset changed). Zero or negative: never.
     */
    private Duration refreshInterval = Duration.ofMinutes(1);

    /**
     * Development only: generate the keysets that are missing (in the key store or as files) at
     * start-up. Off by default: in production create them once with the CLI, so that a wrong
     * setting never silently starts a fresh set of keys next to data written under others.
     */
    private boolean createIfMissing = false;

    public Store getStore() {
      return store;
    }

    public void setStore(Store store) {
      this.store = store;
    }

    public String getAead() {
      return aead;
    }

    public void setAead(String aead) {
      this.aead = aead;
    }

    public String getDeterministic() {
      return deterministic;
    }

    public void setDeterministic(String deterministic) {
      this.deterministic = deterministic;
    }

    public String getPrf() {
      return prf;
    }

    public void setPrf(String prf) {
      this.prf = prf;
    }

    public Files getFiles() {
      return files;
    }

    public String getTablePrefix() {
      return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }

    public Duration getRefreshInterval() {
      return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
      this.refreshInterval = refreshInterval;
    }

    public boolean isCreateIfMissing() {
      return createIfMissing;
    }

    public void setCreateIfMissing(boolean createIfMissing) {
      this.createIfMissing = createIfMissing;
    }
  }

  /** Where keysets are loaded from. */
  public enum Store {
    /** The key store table in the application's database (vault-jdbc's {@code KeyStore}). */
    DATABASE,
    /** Keyset documents in files, encrypted under the KEK ({@code fieldvault keys generate -f ...}). */
    FILES
  }

  /** Encrypted keyset files ({@code store=files}). */
  public static class Files {

    /** The AEAD keyset file (randomized fields). */
    private Path aead;

    /** The deterministic AEAD keyset file. */
    private Path deterministic;

    /** The PRF keyset file (blind indexes). */
    private Path prf;

    public Path getAead() {
      return aead;
    }

    public void setAead(Path aead) {
      this.aead = aead;
    }

    public Path getDeterministic() {
      return deterministic;
    }

    public void setDeterministic(Path deterministic) {
      this.deterministic = deterministic;
    }

    public Path getPrf() {
      return prf;
    }

    public void setPrf(Path prf) {
      this.prf = prf;
    }
  }

  /**
   * Per-tenant keyrings from the key store: the values of {@code @TenantId} entities use their
   * tenant's keysets, named by these patterns ({@code {tenant}} is replaced by the tenant id). A
   * tenant without keysets cannot write or read (crypto-shredding: delete its keysets).
   */
  public static class Tenants {

    /** Whether tenant values use per-tenant keyrings (database store only). */
    private boolean enabled = false;

    /** The name pattern of a tenant's AEAD keyset. */
    private String aead = "tenant-{tenant}-aead";

    /** The name pattern of a tenant's deterministic keyset. */
    private String deterministic = "tenant-{tenant}-daead";

    /** The name pattern of a tenant's PRF keyset. */
    private String prf = "tenant-{tenant}-prf";

    /**
     * Development only: generate a tenant's keysets in the key store the first time a tenant without
     * any is used (logged at WARN). Never in production: a tenant whose keysets were deleted
     * (crypto-shredded) would silently get new ones; provision tenants with the CLI or the key store.
     */
    private boolean createIfMissing = false;

    public boolean isCreateIfMissing() {
      return createIfMissing;
    }

    public void setCreateIfMissing(boolean createIfMissing) {
      this.createIfMissing = createIfMissing;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getAead() {
      return aead;
    }

    public void setAead(String aead) {
      this.aead = aead;
    }

    public String getDeterministic() {
      return deterministic;
    }

    public void setDeterministic(String deterministic) {
      this.deterministic = deterministic;
    }

    public String getPrf() {
      return prf;
    }

    public void setPrf(String prf) {
      this.prf = prf;
    }
  }

  /** {@code @Encrypted} entities in Boot's EntityManagerFactory. */
  public static class Hibernate {

    /** Whether FieldVault's keys are handed to Boot's EntityManagerFactory (needs vault-hibernate). */
    private boolean enabled = true;

    /**
     * The plaintext-migration policy of every {@code @Encrypted} attribute that does not set its own:
     * CIPHERTEXT_ONLY, MIGRATE or MIGRATE_AND_LOG.
     */
    private String plaintextPolicy = "CIPHERTEXT_ONLY";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPlaintextPolicy() {
      return plaintextPolicy;
    }

    public void setPlaintextPolicy(String plaintextPolicy) {
      this.plaintextPolicy = plaintextPolicy;
    }
  }

  /** The transparent JDBC wrapper around the application's DataSource. */
  public static class Jdbc {

    /**
     * Whether the application's DataSource bean is wrapped, so that JdbcTemplate, JdbcClient, jOOQ or
     * MyBatis encrypt and decrypt the {@code @Encrypted} attributes' columns (and the columns of any
     * {@code EncryptedColumns} bean). The pool itself (HikariCP) is kept; Hibernate, Liquibase and
     * FieldVault's own tables use it unwrapped.
     */
    private boolean enabled = false;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The secrets vault (needs vault-secrets). */
  public static class Secrets {

    /** Whether a SecretsVault bean is created. */
    private boolean enabled = true;

    /** The prefix of the secrets vault's tables. */
    private String tablePrefix = "fv_secret_";

    /** Stores (namespaces without a tenant) created at start-up when they do not exist yet. */
    private List<String> createStores = new ArrayList<>();

    /** The vault's scheduler: maintenance tasks run once at a time across every instance. */
    private final Schedule schedule = new Schedule();

    /** The request context of audit events made on a servlet request's thread. */
    private final RequestContext requestContext = new RequestContext();

    /**
     * Whether, with Spring Security on the class path, a store handle without {@code as(...)} acts for the
     * calling thread's authenticated user ({@code SecurityContextHolder}; anonymous otherwise).
     */
    private boolean principalFromSecurity = true;

    public boolean isPrincipalFromSecurity() {
      return principalFromSecurity;
    }

    public void setPrincipalFromSecurity(boolean principalFromSecurity) {
      this.principalFromSecurity = principalFromSecurity;
    }

    public Schedule getSchedule() {
      return schedule;
    }

    public RequestContext getRequestContext() {
      return requestContext;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getTablePrefix() {
      return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }

    public List<String> getCreateStores() {
      return createStores;
    }

    public void setCreateStores(List<String> createStores) {
      this.createStores = createStores;
    }
  }

  /**
   * The secrets vault's scheduler ({@code VaultSchedule}): a task runs when its {@code every} is set,
   * on at most one instance at a time (lease rows in {@code <table-prefix>task_lease}). Started once the
   * application context has started, stopped when it closes. Off while no task has a period.
   */
  public static class Schedule {

    /** Whether the scheduler starts on this instance when a task is configured (false: no task runs here). */
    private boolean enabled = true;

    /** The rotation policies (registered with a {@code SecretsVaultCustomizer}): {@code every}. */
    private final Task rotations = new Task();

    /**
     * Deletes entries expired more than {@code retention} ago (default 7 days), and revokes and deletes
     * expired dynamic secrets: {@code every}, {@code retention}.
     */
    private final CleanupTask cleanupExpired = new CleanupTask();

    /**
     * Deletes audit events older than {@code retention} (no default: set how long your audit trail is
     * kept): {@code every}, {@code retention}.
     */
    private final PurgeTask purgeEvents = new PurgeTask();

    /** Applies every store's version retention: {@code every}. */
    private final Task pruneVersions = new Task();

    /**
     * Tells the {@code ExpiryListener} beans of entries that expire within {@code ahead} (default 14
     * days): {@code every}, {@code ahead}.
     */
    private final WarningTask expiryWarnings = new WarningTask();

    /** How long a task claimed by an instance stays claimed without a renewal (1s to 1h). */
    private Duration lease = Duration.ofMinutes(2);

    /** How long the shutdown waits for a running task to end (0s to 10m). */
    private Duration stopWait = Duration.ofSeconds(10);

    /**
     * This instance's id in the lease rows (unique per running instance; default: the process id and
     * a random suffix).
     */
    private String instanceId;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Task getRotations() {
      return rotations;
    }

    public CleanupTask getCleanupExpired() {
      return cleanupExpired;
    }

    public PurgeTask getPurgeEvents() {
      return purgeEvents;
    }

    public Task getPruneVersions() {
      return pruneVersions;
    }

    public WarningTask getExpiryWarnings() {
      return expiryWarnings;
    }

    public Duration getLease() {
      return lease;
    }

    public void setLease(Duration lease) {
      this.lease = lease;
    }

    public Duration getStopWait() {
      return stopWait;
    }

    public void setStopWait(Duration stopWait) {
      this.stopWait = stopWait;
    }

    public String getInstanceId() {
      return instanceId;
    }

    public void setInstanceId(String instanceId) {
      this.instanceId = instanceId;
    }
  }

  /** A scheduled task of the secrets vault: runs every {@code every} (100ms to 365d); unset: never. */
  public static class Task {

    /** The period between the end of one run (on any instance) and the next; unset: the task does not run. */
    private Duration every;

    public Duration getEvery() {
      return every;
    }

    public void setEvery(Duration every) {
      this.every = every;
    }
  }

  /** The expired-entry cleanup task. */
  public static class CleanupTask extends Task {

    /** How long expired entries are kept before they are deleted (0s to 100 years). */
    private Duration retention = Duration.ofDays(7);

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }
  }

  /** The audit event purge task. */
  public static class PurgeTask extends Task {

    /** How long audit events are kept before they are deleted (0s to 100 years; required with {@code every}). */
    private Duration retention;

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }
  }

  /** The expiry warnings task. */
  public static class WarningTask extends Task {

    /** How far ahead of an entry's expiry its ExpiryListeners are told (1ms to 100 years). */
    private Duration ahead = Duration.ofDays(14);

    public Duration getAhead() {
      return ahead;
    }

    public void setAhead(Duration ahead) {
      this.ahead = ahead;
    }
  }

  /**
   * The request context (client address, user agent, request id) stored with the secrets vault's audit
   * events of operations made on the thread of a servlet request (Spring MVC).
   */
  public static class RequestContext {

    /** Whether audit events carry the current servlet request's context. */
    private boolean enabled = true;

    /** The request header holding the request or correlation id; empty: no request id. */
    private String requestIdHeader = "X-Request-Id";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getRequestIdHeader() {
      return requestIdHeader;
    }

    public void setRequestIdHeader(String requestIdHeader) {
      this.requestIdHeader = requestIdHeader;
    }
  }

  /** The rotation job: promote new keys, then rewrap every stored value, off the request threads. */
  public static class Rotation {

    /** Whether the rotation job bean is created (database key store only). */
    private boolean enabled = true;

    /** Rows per batch and transaction. */
    private int batchSize = 1000;

    /** Rows per claimable range. */
    private int rangeSize = 50_000;

    /** Rows per second for this instance's worker; 0 for unlimited. */
    private double throttle = 0;

    /**
     * A cron expression (Spring's six fields, e.g. {@code 0 0 3 1 * *}) on which this instance starts a
     * rotation by itself; empty for on demand only (the {@code fieldvault} Actuator endpoint or
     * {@code FieldVaultRotation.start}).
     */
    private String schedule = "";

    /** Whether a scheduled rotation promotes new keys first (otherwise it only rewraps what is off the primaries). */
    private boolean promoteOnSchedule = true;

    /** Whether the secrets vault's values are rewrapped in the same rotation. */
    private boolean includeSecrets = true;

    /**
     * Between adding the new keys (readable, not yet primary) and promoting them: long enough for every
     * other instance to load them (at least {@code fieldvault.keys.refresh-interval}), so that no
     * instance writes under a key another cannot read or search yet. Zero for a single instance.
     */
    private Duration promotionDelay = Duration.ofSeconds(90);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }

    public int getRangeSize() {
      return rangeSize;
    }

    public void setRangeSize(int rangeSize) {
      this.rangeSize = rangeSize;
    }

    public double getThrottle() {
      return throttle;
    }

    public void setThrottle(double throttle) {
      this.throttle = throttle;
    }

    public String getSchedule() {
      return schedule;
    }

    public void setSchedule(String schedule) {
      this.schedule = schedule;
    }

    public boolean isPromoteOnSchedule() {
      return promoteOnSchedule;
    }

    public void setPromoteOnSchedule(boolean promoteOnSchedule) {
      this.promoteOnSchedule = promoteOnSchedule;
    }

    public Duration getPromotionDelay() {
      return promotionDelay;
    }

    public void setPromotionDelay(Duration promotionDelay) {
      this.promotionDelay = promotionDelay;
    }

    public boolean isIncludeSecrets() {
      return includeSecrets;
    }

    public void setIncludeSecrets(boolean includeSecrets) {
      this.includeSecrets = includeSecrets;
    }
  }

  /** FieldVault's own tables, applied with the application's Liquibase. */
  public static class Liquibase {

    /**
     * Whether FieldVault's changelogs (key store and rotation tables, and the secrets vault's when it
     * is on) are applied at start-up by the application's Liquibase, before the EntityManagerFactory
     * and the keys. Off: apply them yourself (include them in your master changelog, or run the SQL
     * scripts beside them).
     */
    private boolean enabled = true;

    /** Liquibase's change log table for FieldVault's changesets (default: the application's, DATABASECHANGELOG). */
    private String changeLogTable;

    /** Liquibase's lock table for FieldVault's changesets (default: DATABASECHANGELOGLOCK). */
    private String changeLogLockTable;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getChangeLogTable() {
      return changeLogTable;
    }

    public void setChangeLogTable(String changeLogTable) {
      this.changeLogTable = changeLogTable;
    }

    public String getChangeLogLockTable() {
      return changeLogLockTable;
    }

    public void setChangeLogLockTable(String changeLogLockTable) {
      this.changeLogLockTable = changeLogLockTable;
    }
  }

  /** The {@code fieldvault} Actuator endpoint. */
  public static class Endpoint {

    /**
     * Whether its write operations (start a rotation, retire a key) are allowed. Off by default: the
     * endpoint then only reads (key inventory, rotation progress).
     */
    private boolean writeOperations = false;

    /**
     * How long the endpoint reuses a key inventory (counting reads every encrypted column) before it
     * counts again; a finished rotation or a change of the keys makes it count at the next read. 0s
     * counts on every read.
     */
    private java.time.Duration inventoryMaxAge = java.time.Duration.ofSeconds(30);

    public boolean isWriteOperations() {
      return writeOperations;
    }

    public void setWriteOperations(boolean writeOperations) {
      this.writeOperations = writeOperations;
    }

    public java.time.Duration getInventoryMaxAge() {
      return inventoryMaxAge;
    }

    public void setInventoryMaxAge(java.time.Duration inventoryMaxAge) {
      this.inventoryMaxAge = inventoryMaxAge;
    }
  }
}
