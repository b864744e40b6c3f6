package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.ValueCodecException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Typed secret kinds: stored, listed, filtered and read back through typed accessors, on every database. */
class TypedSecretsTest {

  private static final String P = "sk_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final Instant LEAF_NOT_AFTER = Instant.parse("2036-12-02T23:20:09Z");

  private TestDatabase db;

  private SecretsVault vault(Kind kind) throws Exception {
    db = SecretsTestSupport.migrated(kind, P);
    return SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
  }

  static String chainPem() throws Exception {
    try (InputStream in = TypedSecretsTest.class.getResourceAsStream("/certs/typed-secrets-chain.pem")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void everyKind_roundTrips_throughItsTypedAccessor_andIsListedWithItsKind(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("typed"), "acme", StoreOptions.DEFAULT).as("ops");
    Map<String, String> cfg = new LinkedHashMap<>();
    cfg.put("region", "eu-west-1");
    cfg.put("timeout", "30s");
    store.put("stripe", Secrets.apiKey("key-id-1", "sk_live_123"));
    store.put("orders-db", Secrets.databaseCredentials("orders", "pw-orders", "jdbc:postgresql://db/orders"));
    store.put("tls", Secrets.certificate(chainPem()));
    store.put("jwt-signer", Secrets.signingKey("Ed25519", new byte[] {1, 2, 3, 4}));
    store.put("github-oauth", Secrets.oauthToken("gho_access", "ghr_refresh", Instant.parse("2030-01-01T00:00:00Z"),
        List.of("repo", "read:org")));
    store.put("flags", Secrets.config(cfg));
    store.put("plain", SecretValue.ofString("just text"));

    Secrets.ApiKey api = store.get("stripe").asApiKey();
    Secrets.DatabaseCredentials dbc = store.get("orders-db").asDatabaseCredentials();
    Secrets.Certificate cert = store.get("tls").asCertificate();
    Secrets.SigningKey sk = store.get("jwt-signer").asSigningKey();
    Secrets.OAuthToken tok = store.get("github-oauth").asOAuthToken();
    Map<String, String> config = store.get("flags").asConfig();

    assertThat(api.keyId()).isEqualTo("key-id-1");
    assertThat(api.key()).isEqualTo("sk_live_123");
    assertThat(dbc.user()).isEqualTo("orders");
    assertThat(dbc.password()).isEqualTo("pw-orders");
    assertThat(dbc.url()).isEqualTo("jdbc:postgresql://db/orders");
    assertThat(cert.chain()).hasSize(2);
    assertThat(cert.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=fieldvault-test-leaf");
    assertThat(cert.notAfter()).isEqualTo(LEAF_NOT_AFTER);
    assertThat(Secrets.certificate(cert.toPem()).asCertificate().chain()).isEqualTo(cert.chain()); // PEM out, in
    assertThat(sk.algorithm()).isEqualTo("Ed25519");
    assertThat(sk.keyMaterial()).containsExactly(1, 2, 3, 4);
    assertThat(tok.accessToken()).isEqualTo("gho_access");
    assertThat(tok.refreshToken()).isEqualTo("ghr_refresh");
    assertThat(tok.expiresAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(tok.scopes()).containsExactly("repo", "read:org");
    assertThat(config).containsExactly(Map.entry("region", "eu-west-1"), Map.entry("timeout", "30s"));
    assertThat(store.get("plain").kind()).isEqualTo(SecretKind.GENERIC);
    assertThat(store.get("plain").value().asString()).isEqualTo("just text");
    assertThat(store.get("orders-db").value().asJson()).containsEntry("user", "orders"); // still a JSON value

    Map<String, SecretKind> listed = new LinkedHashMap<>();
    store.list(ListQuery.byName()).items().forEach(i -> listed.put(i.name(), i.kind()));
    assertThat(listed).containsExactly(Map.entry("flags", SecretKind.CONFIG),
        Map.entry("github-oauth", SecretKind.OAUTH_TOKEN), Map.entry("jwt-signer", SecretKind.SIGNING_KEY),
        Map.entry("orders-db", SecretKind.DATABASE_CREDENTIALS), Map.entry("plain", SecretKind.GENERIC),
        Map.entry("stripe", SecretKind.API_KEY), Map.entry("tls", SecretKind.CERTIFICATE));
    assertThat(store.info("tls").orElseThrow().kind()).isEqualTo(SecretKind.CERTIFICATE);
    assertThat(names(store.list(ListQuery.byName().kind(SecretKind.DATABASE_CREDENTIALS)))).containsExactly("orders-db");
    assertThat(names(store.list(ListQuery.byName().kind(SecretKind.GENERIC)))).containsExactly("plain");
    assertThat(names(store.list(ListQuery.byName().kind(SecretKind.API_KEY).limit(1)))).containsExactly("stripe");
    // the kind column is plaintext metadata; the password is not anywhere in plaintext
    assertThat(kindColumn("orders-db")).isEqualTo("DATABASE_CREDENTIALS");
    assertThat(kindColumn("plain")).isNull();
    vault.close();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void wrongAccessor_throwsATypedErrorNamingTheEntrysKind_neverTheValue(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("wrong"), null, StoreOptions.DEFAULT).as("ops");
    store.put("orders-db", Secrets.databaseCredentials("orders", "pw-secret-xyz", null));
    store.put("plain", SecretValue.ofString("pw-plain-xyz"));
    SecretResult creds = store.get("orders-db");

    assertThatThrownBy(creds::asApiKey).isInstanceOfSatisfying(WrongSecretKindException.class, e -> {
      assertThat(e.actual()).isEqualTo(SecretKind.DATABASE_CREDENTIALS);
      assertThat(e.requested()).isEqualTo(SecretKind.API_KEY);
      assertThat(e).hasMessageContaining("of kind DATABASE_CREDENTIALS").hasMessageContaining("asDatabaseCredentials()")
          .hasMessageNotContaining("pw-secret-xyz");
    });
    assertThatThrownBy(() -> store.get("plain").asDatabaseCredentials()).isInstanceOf(WrongSecretKindException.class)
        .hasMessageContaining("of kind GENERIC").hasMessageNotContaining("pw-plain-xyz");
    assertThatThrownBy(() -> store.get("missing").asConfig()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NOT_FOUND");
    // toString of results, values and typed records never shows a secret part
    assertThat(creds.toString() + creds.value() + creds.asDatabaseCredentials()
        + Secrets.apiKey("id", "pw-api-xyz").asApiKey() + Secrets.signingKey("HS256", new byte[] {42}).asSigningKey()
        + Secrets.oauthToken("pw-acc-xyz", "pw-ref-xyz", null, List.of()).asOAuthToken())
        .doesNotContain("pw-secret-xyz").doesNotContain("pw-api-xyz").doesNotContain("pw-acc-xyz")
        .doesNotContain("pw-ref-xyz").contains("DATABASE_CREDENTIALS");
    vault.close();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void certificate_expiresAtItsNotAfter_unlessAnExpiryIsGiven(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("certs"), null,
        StoreOptions.DEFAULT.withDefaultTtl(Duration.ofDays(1))).as("ops");
    store.put("natural", Secrets.certificate(chainPem()));
    store.put("given", Secrets.certificate(chainPem()), PutOptions.builder().ttl(Duration.ofHours(2)).build());
    store.put("never", Secrets.certificate(chainPem()), PutOptions.builder().noExpiry().build());

    assertThat(store.get("natural").expiresAt()).isEqualTo(LEAF_NOT_AFTER);
    assertThat(store.get("given").expiresAt()).isBefore(Instant.now().plus(Duration.ofHours(3)));
    assertThat(store.get("never").expiresAt()).isNull();
    assertThatThrownBy(() -> Secrets.certificate("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----"))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("Certificate 1");
    assertThatThrownBy(() -> Secrets.certificate("no pem here")).isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("no -----BEGIN CERTIFICATE----- block");
    vault.close();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void kindFollowsTheCurrentValue_acrossPutRotateRollback_andSealedStoresKeepNoKindColumn(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("follow"), null, StoreOptions.DEFAULT).as("ops");
    store.put("k", Secrets.apiKey("first"));
    store.put("k", SecretValue.ofString("now plain"));
    SecretKind afterPlain = store.info("k").orElseThrow().kind();
    String columnAfterPlain = kindColumn("k");
    store.rotate("k", Secrets.databaseCredentials("u", "p", null));
    SecretKind afterRotate = store.info("k").orElseThrow().kind();
    store.rollback("k", 1);
    SecretKind afterRollback = store.info("k").orElseThrow().kind();

    String tenant = SecretsTestSupport.unique("t");
    vault.createStore("sealed-typed", tenant, StoreOptions.sealedStore());
    SecretStore sealed = vault.store("sealed-typed", tenant).as("u").withSecret("a-caller-secret-of-16+ bytes");
    sealed.put("db", Secrets.databaseCredentials("su", "sp", null));

    assertThat(afterPlain).isEqualTo(SecretKind.GENERIC);
    assertThat(columnAfterPlain).isNull();
    assertThat(afterRotate).isEqualTo(SecretKind.DATABASE_CREDENTIALS);
    assertThat(afterRollback).isEqualTo(SecretKind.API_KEY);
    assertThat(store.get("k").asApiKey().key()).isEqualTo("first");
    assertThat(sealed.get("db").asDatabaseCredentials().password()).isEqualTo("sp");
    assertThat(sealedKindColumns()).as("sealed stores: no plaintext kind").containsOnlyNulls();
    vault.close();
  }

  @Test
  void valueEncoding_ofATypedValue_isTag4_kindCode_json_andUnknownCodesAreRefused() {
    byte[] enc = Secrets.apiKey("id", "k").encode();
    assertThat(Arrays.copyOf(enc, 2)).containsExactly(4, 1);
    assertThat(new String(enc, 2, enc.length - 2, StandardCharsets.UTF_8)).isEqualTo("{\"keyId\":\"id\",\"key\":\"k\"}");
    assertThat(SecretValue.decode(enc).kind()).isEqualTo(SecretKind.API_KEY);
    assertThat(Secrets.databaseCredentials("u", "p", null).encode()[1]).isEqualTo((byte) 2);
    assertThat(Secrets.config(Map.of()).encode()[1]).isEqualTo((byte) 6);
    assertThat(SecretValue.ofString("x").encode()).containsExactly(1, 'x'); // generic values unchanged
    byte[] unknown = enc.clone();
    unknown[1] = 99;
    assertThatThrownBy(() -> SecretValue.decode(unknown)).isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("newer FieldVault");
  }

  private static List<String> names(Page<SecretInfo> page) {
    return page.items().stream().map(SecretInfo::name).toList();
  }

  private String kindColumn(String name) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT kind FROM " + P + "entry WHERE name_key = ? ORDER BY updated_ms DESC")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private List<String> sealedKindColumns() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT e.kind FROM " + P + "entry e"
        + " JOIN " + P + "store s ON s.id = e.store_id WHERE s.sealed = ?")) {
      ps.setBoolean(1, true);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }
}
