package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An exported and imported store answers exactly as the source did (listing, info, reads, versions,
 * typed accessors), on the same database and from one database to another; every column of the entry
 * and version rows travels but the few named in {@link #NOT_CARRIED}. Old export files still import.
 */
class ExportFidelityTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String TENANT = "acme";
  private static final String SEALED_SECRET = "the-callers-secret-of-enough-length";

  /**
   * The columns an import does not restore from the file: the row's store (the target's own), the store
   * row's id and creation time (of the target), and the expiry warning already sent for an entry (the
   * restored vault's listeners have not had it: it is sent again, once).
   */
  private static final Set<String> NOT_CARRIED =
      Set.of("store_id", "id", "created_ms@store", "expiry_warned_version", "expiry_warned_ms");

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock();

  @ParameterizedTest
  @MethodSource(ALL)
  void aStore_exportedAndImported_onTheSameDatabase_answersAsTheSource_kindsIncluded(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, "sv_exf_");
    SecretsTestSupport.migrated(kind, "sv_exg_");
    FieldCipher cipher = SecretsTestSupport.cipher();
    try (SecretsVault source = vault(db, "sv_exf_", cipher); SecretsVault target = vault(db, "sv_exg_", cipher)) {
      String ns = SecretsTestSupport.unique("fidelity");
      String sealedNs = SecretsTestSupport.unique("fidelity-sealed");
      List<String> names = fill(source, ns);
      List<String> sealedNames = fillSealed(source, sealedNs);
      List<Object> before = answers(source.store(ns, TENANT), names, false);
      List<Object> sealedBefore = answers(source.store(sealedNs, TENANT).withSecret(SEALED_SECRET), sealedNames, true);
      Path file = dir.resolve("s.jsonl");
      Path sealedFile = dir.resolve("sealed.jsonl");
      BackupReport exported = source.exportStore(ns, TENANT, file);
      source.exportStore(sealedNs, TENANT, sealedFile);

      long[] rowsBefore = rowCounts(db, "sv_exg_");
      BackupReport plan = target.importStore(file, true);

      assertThat(rowCounts(db, "sv_exg_")).as("a dry run writes nothing").containsExactly(rowsBefore);
      assertThatThrownBy(() -> target.store(ns, TENANT)).isInstanceOf(SecretStoreNotFoundException.class);
      assertThat(plan).isEqualTo(new BackupReport(exported.entries(), exported.versions(),
          exported.entries() + exported.versions(), 0, true));

      BackupReport imported = target.importStore(file, false);
      target.importStore(sealedFile, false);

      assertThat(imported).isEqualTo(new BackupReport(plan.entries(), plan.versions(), plan.verified(), 0, false));
      SecretStore restored = target.store(ns, TENANT);
      assertThat(restored.info("stripe").orElseThrow().kind()).isEqualTo(SecretKind.API_KEY);
      assertThat(restored.list(ListQuery.byName().kind(SecretKind.API_KEY)).items()).extracting(SecretInfo::name)
          .containsExactly("stripe");
      assertThat(answers(restored, names, false)).isEqualTo(before);
      assertThat(answers(target.store(sealedNs, TENANT).withSecret(SEALED_SECRET), sealedNames, true))
          .isEqualTo(sealedBefore);
      assertTypedAccessors(restored, target.store(sealedNs, TENANT).withSecret(SEALED_SECRET));
      assertThat(rows(db, "sv_exg_", ns)).isEqualTo(rows(db, "sv_exf_", ns));
      assertThat(rows(db, "sv_exg_", sealedNs)).isEqualTo(rows(db, "sv_exf_", sealedNs));
      assertThat(kindColumns(db, "sv_exg_", sealedNs)).as("sealed stores keep no plaintext kind").containsOnlyNulls();
      assertThat(Files.readString(sealedFile, StandardCharsets.UTF_8)).doesNotContain("secretKind", "API_KEY");
    }
  }

  @Test
  void aWholeVault_travelsFromH2ToPostgresqlToMariadbAndBack_answeringAsTheSource_withDryRunsFirst()
      throws Exception {
    FieldCipher cipher = SecretsTestSupport.cipher();
    TestDatabase h2 = SecretsTestSupport.migrated(Kind.H2, "sv_exc_");
    SecretsTestSupport.migrated(Kind.H2, "sv_exd_");
    List<TestDatabase> hops = List.of(h2, SecretsTestSupport.migrated(Kind.POSTGRES, "sv_exc_"),
        SecretsTestSupport.migrated(Kind.MARIADB, "sv_exc_"), h2);
    List<String> prefixes = List.of("sv_exc_", "sv_exc_", "sv_exc_", "sv_exd_");
    String ns = SecretsTestSupport.unique("travel");
    String sealedNs = SecretsTestSupport.unique("travel-sealed");
    List<String> names;
    List<String> sealedNames;
    List<Object> before;
    List<Object> sealedBefore;
    Map<String, List<Map<String, String>>> rowsBefore;
    try (SecretsVault source = vault(h2, "sv_exc_", cipher)) {
      names = fill(source, ns);
      sealedNames = fillSealed(source, sealedNs);
      before = answers(source.store(ns, TENANT), names, false);
      sealedBefore = answers(source.store(sealedNs, TENANT).withSecret(SEALED_SECRET), sealedNames, true);
      rowsBefore = Map.of(ns, rows(h2, "sv_exc_", ns), sealedNs, rows(h2, "sv_exc_", sealedNs));
    }
    for (int hop = 1; hop < hops.size(); hop++) {
      Path archive = dir.resolve("hop-" + hop);
      TestDatabase to = hops.get(hop);
      String toPrefix = prefixes.get(hop);
      try (SecretsVault from = vault(hops.get(hop - 1), prefixes.get(hop - 1), cipher);
          SecretsVault target = vault(to, toPrefix, cipher)) {
        VaultArchive.Report saved = VaultArchive.exportAll(from, archive);
        long[] counts = rowCounts(to, toPrefix);

        VaultArchive.Report plan = VaultArchive.importAll(target, archive, true);

        assertThat(rowCounts(to, toPrefix)).as("a dry run writes nothing (%s)", to.kind()).containsExactly(counts);
        VaultArchive.Report restored = VaultArchive.importAll(target, archive, false);
        assertThat(plan.entries()).isEqualTo(saved.entries()).isEqualTo(restored.entries());
        assertThat(plan.versions()).isEqualTo(saved.versions()).isEqualTo(restored.versions());
        assertThat(plan.stores().keySet()).isEqualTo(restored.stores().keySet());
        plan.stores().forEach((f, r) -> assertThat(restored.stores().get(f))
            .isEqualTo(new BackupReport(r.entries(), r.versions(), r.verified(), r.failed(), false)));
        SecretStore store = target.store(ns, TENANT);
        assertThat(answers(store, names, false)).as("answers on %s", to.kind()).isEqualTo(before);
        assertThat(answers(target.store(sealedNs, TENANT).withSecret(SEALED_SECRET), sealedNames, true))
            .as("sealed answers on %s", to.kind()).isEqualTo(sealedBefore);
        assertTypedAccessors(store, target.store(sealedNs, TENANT).withSecret(SEALED_SECRET));
        assertThat(rows(to, toPrefix, ns)).as("rows on %s", to.kind()).isEqualTo(rowsBefore.get(ns));
        assertThat(rows(to, toPrefix, sealedNs)).as("sealed rows on %s", to.kind()).isEqualTo(rowsBefore.get(sealedNs));
      }
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void anExportWrittenBeforeKindsAndIds_imports_kindsFromTheValues_newIds_noCreators(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, "sv_exf_");
    SecretsTestSupport.migrated(kind, "sv_exg_");
    FieldCipher cipher = SecretsTestSupport.cipher();
    try (SecretsVault source = vault(db, "sv_exf_", cipher); SecretsVault target = vault(db, "sv_exg_", cipher)) {
      String ns = SecretsTestSupport.unique("old-file");
      List<String> names = fill(source, ns);
      Path file = dir.resolve("s.jsonl");
      source.exportStore(ns, TENANT, file);
      assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("\"secretKind\":\"API_KEY\"");
      Path old = rewrite(file, "old.jsonl", o -> {
        o.remove("secretKind");
        o.remove("id");
        o.remove("createdBy");
      });

      BackupReport plan = target.importStore(old, true);
      BackupReport imported = target.importStore(old, false);

      assertThat(imported).isEqualTo(new BackupReport(plan.entries(), plan.versions(), plan.verified(), 0, false));
      SecretStore src = source.store(ns, TENANT);
      SecretStore restored = target.store(ns, TENANT);
      for (String name : names) {
        SecretInfo was = src.info(name).orElseThrow();
        SecretInfo is = restored.info(name).orElseThrow();
        assertThat(is.kind()).as(name).isEqualTo(was.kind());
        assertThat(is.id()).as(name).isNotNull().isNotEqualTo(was.id());
        assertThat(is.createdBy()).as(name).isNull();
        assertThat(new SecretInfo(is.name(), is.metadata(), is.version(), is.expiresAt(), is.updatedAt(), is.state(),
            was.id(), is.createdAt(), was.createdBy(), is.kind())).as(name).isEqualTo(was);
        assertThat(restored.versions(name)).as(name).isEqualTo(src.versions(name));
      }
      assertTypedAccessors(restored, null);
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aFormat1Export_imports_withTheDocumentedDefaults(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, "sv_exg_");
    FieldCipher cipher = SecretsTestSupport.cipher();
    String ns = SecretsTestSupport.unique("format-1");
    StoreMeta m = new StoreMeta(0, ns, null, false, 4);
    long t = Instant.parse("2025-06-01T00:00:00Z").toEpochMilli();
    JsonObject head = new JsonObject();
    head.addProperty("format", "fieldvault-secrets-export/1");
    head.addProperty("namespace", ns);
    head.add("tenant", null);
    head.addProperty("sealed", false);
    head.addProperty("maxVersions", 4);
    StringBuilder file = new StringBuilder(head + "\n");
    for (long v = 1; v <= 2; v++) {
      String ct = Base64.getEncoder().encodeToString(cipher.encrypt(SecretValue.ofString("legacy-" + v).encode(),
          m.context("db-url", v), EncryptionMode.RANDOMIZED));
      if (v == 2) {
        file.append("{\"kind\":\"entry\",\"nameKey\":\"db-url\",\"version\":2,\"ct\":\"").append(ct)
            .append("\",\"metadata\":\"{\\\"env\\\":\\\"prod\\\"}\",\"expiresMs\":null,\"createdMs\":").append(t)
            .append(",\"updatedMs\":").append(t + 2000).append(",\"valueMs\":").append(t + 1000)
            .append(",\"by\":\"ops\",\"generator\":null}\n");
      }
      file.append("{\"kind\":\"version\",\"nameKey\":\"db-url\",\"version\":").append(v).append(",\"ct\":\"")
          .append(ct).append("\",\"metadata\":null,\"createdMs\":").append(t + (v - 1) * 1000)
          .append(",\"by\":\"ops\"}\n");
    }
    Path path = Files.writeString(dir.resolve("v1.jsonl"), file, StandardCharsets.UTF_8);
    try (SecretsVault target = vault(db, "sv_exg_", cipher)) {
      assertThat(target.importStore(path, true)).isEqualTo(new BackupReport(1, 2, 3, 0, true));
      assertThat(target.importStore(path, false)).isEqualTo(new BackupReport(1, 2, 3, 0, false));

      SecretStore s = target.store(ns);
      SecretInfo info = s.info("db-url").orElseThrow();
      assertThat(info.kind()).isEqualTo(SecretKind.GENERIC);
      assertThat(info.id()).hasSize(36);
      assertThat(info.createdBy()).isNull();
      assertThat(info.createdAt()).isEqualTo(Instant.ofEpochMilli(t));
      assertThat(info.updatedAt()).isEqualTo(Instant.ofEpochMilli(t + 2000));
      assertThat(info.metadata()).containsExactly(Map.entry("env", "prod"));
      assertThat(s.get("db-url").value().asString()).isEqualTo("legacy-2");
      assertThat(s.getVersion("db-url", 1).value().asString()).isEqualTo("legacy-1");
      assertThat(s.versions("db-url")).containsExactly(new SecretVersion(2, Instant.ofEpochMilli(t + 1000), "ops"),
          new SecretVersion(1, Instant.ofEpochMilli(t), "ops"));
      assertThat(s.options().maxVersions()).isEqualTo(4);
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void theKindColumn_followsTheValue_notAnEditedFile_andSealedStoresGetNone(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, "sv_exf_");
    SecretsTestSupport.migrated(kind, "sv_exg_");
    FieldCipher cipher = SecretsTestSupport.cipher();
    try (SecretsVault source = vault(db, "sv_exf_", cipher); SecretsVault target = vault(db, "sv_exg_", cipher)) {
      String ns = SecretsTestSupport.unique("edited");
      String sealedNs = SecretsTestSupport.unique("edited-sealed");
      SecretStore s = source.createStore(ns, TENANT, StoreOptions.DEFAULT);
      s.put("key", Secrets.apiKey("sk_edited"));
      s.put("plain", SecretValue.ofString("plain-edited"));
      source.createStore(sealedNs, TENANT, StoreOptions.sealedStore()).withSecret(SEALED_SECRET)
          .put("2fa", Secrets.apiKey("sealed-key"));
      source.exportStore(ns, TENANT, dir.resolve("s.jsonl"));
      source.exportStore(sealedNs, TENANT, dir.resolve("sealed.jsonl"));
      Path edited = rewrite(dir.resolve("s.jsonl"), "edited.jsonl", o -> o.addProperty("secretKind", "CERTIFICATE"));
      Path sealedEdited = rewrite(dir.resolve("sealed.jsonl"), "sealed-edited.jsonl",
          o -> o.addProperty("secretKind", "API_KEY"));

      target.importStore(edited, false);
      target.importStore(sealedEdited, false);

      SecretStore restored = target.store(ns, TENANT);
      assertThat(restored.info("key").orElseThrow().kind()).isEqualTo(SecretKind.API_KEY);
      assertThat(restored.info("plain").orElseThrow().kind()).isEqualTo(SecretKind.GENERIC);
      assertThat(restored.get("key").asApiKey().key()).isEqualTo("sk_edited");
      assertThat(kindColumns(db, "sv_exg_", sealedNs)).containsOnlyNulls().hasSize(1);
      assertThat(target.store(sealedNs, TENANT).withSecret(SEALED_SECRET).get("2fa").asApiKey().key())
          .isEqualTo("sealed-key");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private SecretsVault vault(TestDatabase db, String prefix, FieldCipher cipher) {
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(prefix).clock(clock)
        .dynamicSecrets("pg-readonly", new DynamicSecretGenerator() {
          @Override
          public SecretValue generate(String name, Duration ttl) {
            return Secrets.databaseCredentials("ro_user", "ro-password-generated", "jdbc:postgresql://db/app");
          }

          @Override
          public void revoke(String name, SecretValue value) {}
        })
        .build();
  }

  /** A store with an entry of every kind, versions, metadata, expiries, several principals; its names. */
  private List<String> fill(SecretsVault vault, String ns) throws Exception {
    SecretStore s = vault.createStore(ns, TENANT, StoreOptions.DEFAULT.withMaxVersions(3)
        .withDefaultTtl(Duration.ofDays(90)).withVersionMaxAge(Duration.ofDays(400)));
    s.as("alice").put("stripe", Secrets.apiKey("key-id-1", "sk_live_1"),
        PutOptions.builder().metadata(Map.of("owner", "payments")).ttl(Duration.ofDays(30)).build());
    clock.advance(Duration.ofMinutes(1));
    s.as("bob").rotate("stripe", Secrets.apiKey("key-id-2", "sk_live_2"));
    clock.advance(Duration.ofMinutes(1));
    s.as("carol").update("stripe", PutOptions.builder().metadata(Map.of("owner", "payments", "team", "pay")).build());
    s.as("alice").put("orders-db", Secrets.databaseCredentials("orders", "pw-orders-1", "jdbc:postgresql://db/orders"));
    clock.advance(Duration.ofMinutes(1));
    s.as("bob").put("orders-db", SecretValue.ofString("not-typed-any-more"));
    s.as("bob").put("orders-db", SecretValue.ofBytes(new byte[] {1, 2, 3}));
    clock.advance(Duration.ofMinutes(1));
    s.as("dave").rollback("orders-db", 1);
    s.put("tls", Secrets.certificate(TypedSecretsTest.chainPem()));
    s.put("jwt-signer", Secrets.signingKey("Ed25519", new byte[] {1, 2, 3, 4}),
        PutOptions.builder().noExpiry().build());
    s.put("github-oauth", Secrets.oauthToken("gho_access", "ghr_refresh", Instant.parse("2030-01-01T00:00:00Z"),
        List.of("repo")));
    s.put("flags", Secrets.config(new TreeMap<>(Map.of("beta", "on", "region", "eu"))));
    s.put("plain", SecretValue.ofString("plain-value"));
    s.put("json", SecretValue.ofJson("{\"a\":1}"));
    s.put("short-lived", SecretValue.ofString("expires-soon"), PutOptions.builder().ttl(Duration.ofHours(1)).build());
    String dynamic = s.as("app").issue("pg-readonly", Duration.ofDays(1)).name();
    clock.advance(Duration.ofHours(2)); // short-lived has expired
    return List.of("stripe", "orders-db", "tls", "jwt-signer", "github-oauth", "flags", "plain", "json", "short-lived",
        dynamic);
  }

  private List<String> fillSealed(SecretsVault vault, String ns) {
    SecretStore s = vault.createStore(ns, TENANT, StoreOptions.sealedStore()).withSecret(SEALED_SECRET).as("eve");
    s.put("2fa", Secrets.apiKey("recovery", "codes-1"));
    clock.advance(Duration.ofMinutes(1));
    s.as("frank").rotate("2fa", Secrets.apiKey("recovery", "codes-2"));
    s.put("note", SecretValue.ofString("sealed-note"), PutOptions.builder().ttl(Duration.ofDays(3)).build());
    return List.of("2fa", "note");
  }

  /** Everything a store answers about these names (sealed stores are not listed or described). */
  private static List<Object> answers(SecretStore s, List<String> names, boolean sealed) {
    List<Object> out = new ArrayList<>();
    Comparator<SecretInfo> byName = Comparator.comparing(SecretInfo::name); // databases sort names differently
    if (!sealed) {
      out.add(s.list(ListQuery.byName().limit(1000)).items().stream().sorted(byName).toList());
      for (SecretKind k : SecretKind.values()) {
        out.add(k + ": " + s.list(ListQuery.byName().kind(k).limit(1000)).items().stream()
            .map(SecretInfo::name).sorted().toList());
      }
      out.add(s.list(ListQuery.byUpdatedAt().state(SecretInfo.State.EXPIRED)).items().stream().sorted(byName)
          .toList());
    }
    out.add(s.counts());
    for (String n : names) {
      out.add(n + ": " + result(s.get(n)));
      if (!sealed) {
        out.add(s.info(n).orElseThrow());
      }
      List<SecretVersion> versions = s.versions(n);
      out.add(n + " versions: " + versions);
      for (SecretVersion v : versions) {
        out.add(n + "@" + v.version() + ": " + result(s.getVersion(n, v.version())));
      }
    }
    return out;
  }

  private static List<Object> result(SecretResult r) {
    return Arrays.asList(r.status(), r.isFound() ? r.value() : null, r.isFound() ? r.kind() : null, r.metadata(),
        r.version(), r.expiresAt(), r.updatedAt());
  }

  private static void assertTypedAccessors(SecretStore s, SecretStore sealed) {
    assertThat(s.get("stripe").asApiKey()).isEqualTo(new Secrets.ApiKey("key-id-2", "sk_live_2"));
    assertThat(s.getVersion("stripe", 1).asApiKey()).isEqualTo(new Secrets.ApiKey("key-id-1", "sk_live_1"));
    assertThat(s.get("orders-db").asDatabaseCredentials().password()).isEqualTo("pw-orders-1");
    assertThat(s.get("tls").asCertificate().chain()).isNotEmpty();
    assertThat(s.get("jwt-signer").asSigningKey().algorithm()).isEqualTo("Ed25519");
    assertThat(s.get("github-oauth").asOAuthToken().scopes()).containsExactly("repo");
    assertThat(s.get("flags").asConfig()).containsEntry("region", "eu");
    if (sealed != null) {
      assertThat(sealed.get("2fa").asApiKey().key()).isEqualTo("codes-2");
    }
  }

  /** An export file with every entry row changed by {@code edit}. */
  private Path rewrite(Path file, String name, java.util.function.Consumer<JsonObject> edit) throws Exception {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>(List.of(lines.get(0)));
    for (String line : lines.subList(1, lines.size())) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (o.get("kind").getAsString().equals("entry")) {
        edit.accept(o);
      }
      out.add(o.toString());
    }
    return Files.write(dir.resolve(name), out, StandardCharsets.UTF_8);
  }

  /**
   * The store's row, its entry rows and its version rows, every column as text but those not carried,
   * sorted by name key and version (the databases sort names differently).
   */
  private static List<Map<String, String>> rows(TestDatabase db, String prefix, String ns) throws Exception {
    try (Connection c = db.connect()) {
      long id;
      List<Map<String, String>> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + prefix + "store WHERE name = ? AND tenant = ?")) {
        ps.setString(1, ns);
        ps.setString(2, TENANT);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          id = rs.getLong("id");
          out.addAll(read(rs, "store", true));
        }
      }
      for (String table : List.of("entry", "version")) {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + prefix + table + " WHERE store_id = ?")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            out.addAll(read(rs, table, false).stream()
                .sorted(Comparator.comparing((Map<String, String> r) -> r.get("name_key"))
                    .thenComparing(r -> Long.parseLong(r.get("version"))))
                .toList());
          }
        }
      }
      return out;
    }
  }

  private static List<Map<String, String>> read(ResultSet rs, String table, boolean onCurrentRow) throws Exception {
    ResultSetMetaData md = rs.getMetaData();
    List<Map<String, String>> out = new ArrayList<>();
    while (onCurrentRow || rs.next()) {
      Map<String, String> row = new TreeMap<>();
      row.put("table", table);
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String col = md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
        if (NOT_CARRIED.contains(col) || NOT_CARRIED.contains(col + "@" + table)) {
          continue;
        }
        int type = md.getColumnType(i);
        String v;
        if (type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB) {
          byte[] b = rs.getBytes(i);
          v = b == null ? null : Base64.getEncoder().encodeToString(b);
        } else if (type == Types.BOOLEAN || type == Types.BIT) {
          v = String.valueOf(rs.getBoolean(i));
        } else {
          v = rs.getString(i);
        }
        row.put(col, v);
      }
      out.add(row);
      if (onCurrentRow) {
        break;
      }
    }
    return out;
  }

  private static List<String> kindColumns(TestDatabase db, String prefix, String ns) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT e.kind FROM " + prefix
        + "entry e JOIN " + prefix + "store s ON s.id = e.store_id WHERE s.name = ? AND s.tenant = ?")) {
      ps.setString(1, ns);
      ps.setString(2, TENANT);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  /** Rows in the store, entry, version and audit tables under {@code prefix}. */
  private static long[] rowCounts(TestDatabase db, String prefix) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      long[] out = new long[4];
      int i = 0;
      for (String t : List.of("store", "entry", "version", "audit")) {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + prefix + t)) {
          rs.next();
          out[i++] = rs.getLong(1);
        }
      }
      return out;
    }
  }
}
