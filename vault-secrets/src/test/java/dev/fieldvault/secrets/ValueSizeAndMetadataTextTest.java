package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values too large and metadata that is not text are refused before any SQL, typed, the previous value and
 * metadata intact (H2, PostgreSQL, MariaDB): the vault's maximum value size, MariaDB's max_allowed_packet (which
 * the server answers by dropping the connection), unpaired UTF-16 surrogates in metadata keys, values and filters
 * (which a driver stores as '?').
 */
class ValueSizeAndMetadataTextTest {

  private static final String P = "sv_lim_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private SecretsVault vault;
  private TestDatabase db;

  @AfterEach
  void close() {
    if (vault != null) {
      vault.close();
    }
  }

  private SecretStore store(Kind kind, int maxValueBytes) throws Exception {
    db = SecretsTestSupport.migrated(kind, P);
    vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P)
        .maxValueBytes(maxValueBytes).build();
    String ns = SecretsTestSupport.unique("lim");
    return vault.createStore(ns, null, StoreOptions.DEFAULT).as("alice");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void metadataWithAnUnpairedSurrogate_isRefused_andNothingChanges(Kind kind) throws Exception {
    SecretStore s = store(kind, SecretsVault.DEFAULT_MAX_VALUE_BYTES);
    s.put("k", SecretValue.ofString("v1"), PutOptions.builder().metadata(Map.of("owner", "team-a")).build());

    for (Map<String, String> bad : java.util.List.of(Map.of("owner", "team-\uD800"), Map.of("owner", "team-\uDC00"),
        Map.of("own\uDBFFer", "team-b"), Map.of("owner", "\uDE00\uD83D"))) {
      assertThatThrownBy(() -> PutOptions.builder().metadata(bad))
          .isInstanceOfSatisfying(VaultConfigurationException.class, e -> assertThat(e.getMessage())
              .contains("unpaired UTF-16 surrogate at index").doesNotContain("team-"));
      assertThatThrownBy(() -> ListQuery.byName().metadata(bad.keySet().iterator().next(),
          bad.values().iterator().next())).isInstanceOf(VaultConfigurationException.class);
    }
    SecretResult r = s.get("k");
    assertThat(r.version()).isEqualTo(1);
    assertThat(r.metadata()).isEqualTo(Map.of("owner", "team-a"));

    // valid text (a surrogate pair, U+0000) is stored and filtered exactly, on every database
    Map<String, String> emoji = Map.of("owner", "team-\uD83D\uDE00");
    s.put("e", SecretValue.ofString("v"), PutOptions.builder().metadata(emoji).build());
    assertThat(s.info("e").orElseThrow().metadata()).isEqualTo(emoji);
    assertThat(s.list(ListQuery.byName().metadata("owner", "team-\uD83D\uDE00")).items())
        .extracting(SecretInfo::name).containsExactly("e");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aValueAboveTheVaultsMaximum_isRefusedBeforeAnySql_previousValueIntact(Kind kind) throws Exception {
    SecretStore s = store(kind, 4096);
    s.put("k", SecretValue.ofString("small"));
    long events = count("SELECT COUNT(*) FROM " + P + "audit");

    assertThatThrownBy(() -> s.put("k", SecretValue.ofBytes(new byte[5000])))
        .isInstanceOfSatisfying(SecretValueTooLargeException.class, e -> {
          assertThat(e.size()).isGreaterThan(5000);
          assertThat(e.limit()).isEqualTo(4096);
          assertThat(e.getMessage()).contains("more than this vault's maximum of 4096 bytes", "maxValueBytes",
              "nothing was written");
        });
    assertThatThrownBy(() -> s.rotate("k", SecretValue.ofString("x".repeat(5000))))
        .isInstanceOf(SecretValueTooLargeException.class);
    assertThat(count("SELECT COUNT(*) FROM " + P + "audit")).isEqualTo(events);   // not even audited: no SQL
    assertThat(s.get("k").value().asString()).isEqualTo("small");
    assertThat(s.get("k").version()).isEqualTo(1);
    assertThat(s.put("k", SecretValue.ofBytes(new byte[4000])).version()).isEqualTo(2);
    assertThatThrownBy(() -> SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).maxValueBytes(0))
        .isInstanceOf(VaultConfigurationException.class);
  }

  /**
   * A value just above MariaDB's max_allowed_packet is refused typed (the server would drop the connection,
   * which the driver reports as a connection failure); H2 and PostgreSQL have no such limit and store it.
   */
  @ParameterizedTest
  @MethodSource(ALL)
  void aValueAboveMariaDbsMaxAllowedPacket_isRefusedTyped_otherDatabasesStoreIt(Kind kind) throws Exception {
    SecretStore s = store(kind, SecretsVault.DEFAULT_MAX_VALUE_BYTES);
    s.put("k", SecretValue.ofString("small"));
    long packet = kind == Kind.MARIADB ? maxAllowedPacket() : 16L * 1024 * 1024;
    assertThat(packet).as("this test needs max_allowed_packet below the vault's default maximum")
        .isLessThan(SecretsVault.DEFAULT_MAX_VALUE_BYTES - 2L * 1024 * 1024);
    byte[] big = new byte[(int) packet + 1024 * 1024];
    Arrays.fill(big, (byte) 7);

    if (kind == Kind.MARIADB) {
      assertThatThrownBy(() -> s.put("k", SecretValue.ofBytes(big)))
          .isInstanceOfSatisfying(SecretValueTooLargeException.class, e -> {
            assertThat(e.limit()).isEqualTo(packet);
            assertThat(e.getMessage()).contains("max_allowed_packet of " + packet + " bytes",
                "raise max_allowed_packet", "nothing was written").doesNotContain("cannot be reached");
          });
      assertThat(s.get("k").value().asString()).isEqualTo("small");
      // a large value that fits is written (the check does not refuse what the server accepts)
      byte[] fits = Arrays.copyOf(big, (int) (packet / 2));
      assertThat(s.put("k", SecretValue.ofBytes(fits)).version()).isEqualTo(2);
      assertThat(s.get("k").value().asBytes()).isEqualTo(fits);
    } else {
      assertThat(s.put("k", SecretValue.ofBytes(big)).version()).isEqualTo(2);
      assertThat(s.get("k").value().asBytes()).isEqualTo(big);
    }
  }

  private long maxAllowedPacket() throws Exception {
    return count("SELECT @@max_allowed_packet");
  }

  private long count(String sql) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
