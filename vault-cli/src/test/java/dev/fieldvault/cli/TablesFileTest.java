package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.cli.testapp.CliAccount;
import dev.fieldvault.cli.testapp.CliMember;
import dev.fieldvault.cli.testapp.CliParty;
import dev.fieldvault.cli.testapp.CliQuoted;
import dev.fieldvault.cli.testapp.CliSchemaAccount;
import dev.fieldvault.cli.testapp.CliSplit;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.keys.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tables file is the column model's serialized form: written and read back, the same model. */
class TablesFileTest extends CliTestSupport {

  private static List<EncryptedTable> model() {
    FieldSpec<String> email = FieldSpec.builder("Customer", "email", String.class)
        .blindIndex(8, Normalizers.caseInsensitive()).build();
    return List.of(
        EncryptedTable.builder("billing.\"Customer\"").primaryKey("id")
            .column(EncryptedColumn.builder("billing.\"Customer\"", "email", email).tenantColumn("tenant_id")
                .blindIndexColumn("email_bi").blindIndexStorage(ColumnStorage.TEXT).build())
            .column(EncryptedColumn.builder("billing.\"Customer\"", "\"Birth Day\"", LocalDate.class)
                .context("Customer", "birthday").tenantColumn("tenant_id").rowIdColumn("id")
                .storage(ColumnStorage.TEXT).compressAbove(64).build())
            .column(EncryptedColumn.builder("billing.\"Customer\"", "ssn", String.class)
                .mode(EncryptionMode.DETERMINISTIC).tenantColumn("tenant_id").build())
            .build(),
        EncryptedTable.builder("ledger").primaryKey("region", "seq")
            .column(EncryptedColumn.builder("ledger", "amount", Long.class).build())
            .build());
  }

  @Test
  void aModel_writtenAndReadBack_isTheSameModel_columnByColumn() {
    List<EncryptedTable> model = model();
    String json = TablesFile.write(model);
    List<EncryptedTable> back = TablesFile.parse(json);

    assertThat(TablesFile.write(back)).isEqualTo(json);
    assertThat(back).hasSameSizeAs(model);
    for (int t = 0; t < model.size(); t++) {
      EncryptedTable a = model.get(t);
      EncryptedTable b = back.get(t);
      assertThat(b.table()).isEqualTo(a.table());
      assertThat(b.primaryKeys()).isEqualTo(a.primaryKeys());
      assertThat(b.tenantColumn()).isEqualTo(a.tenantColumn());
      assertThat(b.columns()).hasSameSizeAs(a.columns());
      for (int i = 0; i < a.columns().size(); i++) {
        EncryptedColumn x = a.columns().get(i);
        EncryptedColumn y = b.columns().get(i);
        assertThat(y.table()).isEqualTo(x.table());
        assertThat(y.column()).isEqualTo(x.column());
        assertThat(y.spec().toString()).isEqualTo(x.spec().toString());
        assertThat(y.spec().codec().type()).isEqualTo(x.spec().codec().type());
        assertThat(y.spec().compressAbove()).isEqualTo(x.spec().compressAbove());
        assertThat(y.storage()).isEqualTo(x.storage());
        assertThat(y.rowIdColumn()).isEqualTo(x.rowIdColumn());
        assertThat(y.tenantColumn()).isEqualTo(x.tenantColumn());
        assertThat(y.blindIndexColumn()).isEqualTo(x.blindIndexColumn());
        assertThat(y.blindIndexStorage()).isEqualTo(x.blindIndexStorage());
        assertThat(y.blindIndexNormalizer()).isEqualTo(x.blindIndexNormalizer());
        assertThat(y.context("t1", 7L)).isEqualTo(x.context("t1", 7L));
      }
    }
    EncryptedColumn email = back.get(0).columns().get(0);
    assertThat(email.blindIndexNormalizer()).isEqualTo(Normalizers.CASE_INSENSITIVE);
    assertThat(email.spec().blindIndexLength()).isEqualTo(8);
  }

  @Test
  void whatAFileCannotCarry_isRefused_namingTheColumn() {
    EncryptedTable withRowContext = EncryptedTable.builder("docs").primaryKey("a", "b")
        .column(EncryptedColumn.builder("docs", "body", String.class)
            .rowContext(r -> EncryptionContext.of("Doc", "body"), "a").build()).build();
    assertThatThrownBy(() -> TablesFile.write(List.of(withRowContext)))
        .isInstanceOf(CliException.class).hasMessageContaining("docs.body").hasMessageContaining("row context");

    ValueCodec<StringBuilder> custom = new ValueCodec<>() {
      @Override
      public Class<StringBuilder> type() {
        return StringBuilder.class;
      }

      @Override
      public byte[] encode(StringBuilder value) {
        return value.toString().getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public StringBuilder decode(byte[] bytes) {
        return new StringBuilder(new String(bytes, StandardCharsets.UTF_8));
      }
    };
    EncryptedTable withCodec = EncryptedTable.builder("docs").primaryKey("id")
        .column(EncryptedColumn.builder("docs", "note", custom).build()).build();
    assertThatThrownBy(() -> TablesFile.write(List.of(withCodec)))
        .isInstanceOf(CliException.class).hasMessageContaining("docs.note").hasMessageContaining("codec");
  }

  @Test
  void theOlderRowBoundForm_bindsToTheSinglePrimaryKey() {
    List<EncryptedTable> t = TablesFile.parse("{\"tables\": [{\"table\": \"c\", \"primaryKey\": \"id\","
        + " \"columns\": [{\"column\": \"ssn\", \"rowBound\": true}]}]}");
    assertThat(t.get(0).columns().get(0).rowIdColumn()).isEqualTo("id");
    assertThatThrownBy(() -> TablesFile.parse("{\"tables\": [{\"table\": \"c\", \"primaryKey\": \"a, b\","
        + " \"columns\": [{\"column\": \"ssn\", \"rowBound\": true}]}]}"))
        .isInstanceOf(CliException.class).hasMessageContaining("composite");
  }

  @Test
  void tablesCommand_writesThePersistenceUnitsModel_asAFileTheOtherCommandsRead() {
    assertThat(run("tables", "--entities", CliAccount.class.getName())).as(err).isZero();
    List<EncryptedTable> tables = TablesFile.parse(out);
    assertThat(tables).singleElement().satisfies(t -> {
      assertThat(t.table()).isEqualToIgnoringCase("app_cli_account");
      assertThat(t.primaryKeys()).singleElement().satisfies(k -> assertThat(k).isEqualToIgnoringCase("id"));
      EncryptedColumn email = t.columns().stream().filter(c -> c.column().equalsIgnoreCase("email")).findFirst()
          .orElseThrow();
      assertThat(email.mode()).isEqualTo(EncryptionMode.DETERMINISTIC);
      assertThat(email.spec().domain()).isEqualTo("CliAccount");
      assertThat(email.spec().field()).isEqualTo("email");
      EncryptedColumn iban = t.columns().stream().filter(c -> c.column().equalsIgnoreCase("iban")).findFirst()
          .orElseThrow();
      assertThat(iban.rowIdColumn()).isEqualToIgnoringCase("id");
      assertThat(iban.spec().rowBound()).isTrue();
    });
    assertThat(TablesFile.write(tables)).isEqualTo(out);
  }

  @Test
  void tablesCommand_keysAJoinedSubclassTableAndASecondaryTable_byTheirOwnKeyColumns() {
    assertThat(run("tables", "--entities", CliParty.class.getName() + "," + CliMember.class.getName() + ","
        + CliSplit.class.getName())).as(err).isZero();
    List<EncryptedTable> tables = TablesFile.parse(out);
    assertThat(tables).extracting(t -> t.table().toLowerCase() + " " + t.primaryKeys().toString().toLowerCase()
        + " " + t.columns().get(0).column().toLowerCase() + " bound to " + t.columns().get(0).rowIdColumn().toLowerCase())
        .containsExactlyInAnyOrder("app_cli_member [member_id] email bound to member_id",
            "app_cli_split_more [split_id] note bound to split_id");
  }

  @Test
  void tablesCommand_qualifiesATableInItsSchema_andKeepsQuotedNamesQuoted() {
    assertThat(run("tables", "--entities", CliSchemaAccount.class.getName() + "," + CliQuoted.class.getName()
        + "," + CliAccount.class.getName())).as(err).isZero();
    List<EncryptedTable> tables = TablesFile.parse(out);
    assertThat(tables).extracting(EncryptedTable::table)
        .containsExactlyInAnyOrder("app_s2.app_cli_account", "\"CliMixed\"", "app_cli_account");
    EncryptedTable quoted = tables.stream().filter(t -> t.table().equals("\"CliMixed\"")).findFirst().orElseThrow();
    assertThat(quoted.primaryKeys()).containsExactly("\"mixedId\"");
    assertThat(quoted.columns()).singleElement().satisfies(c -> {
      assertThat(c.column()).isEqualTo("\"homeEmail\"");
      assertThat(c.rowIdColumn()).isEqualTo("\"mixedId\"");
    });
    assertThat(TablesFile.write(tables)).isEqualTo(out);
  }

  @Test
  void tablesCommand_withoutEntities_saysWhatToGive() {
    assertThat(run("tables")).isEqualTo(1);
    assertThat(err).contains("--entities");
  }
}
