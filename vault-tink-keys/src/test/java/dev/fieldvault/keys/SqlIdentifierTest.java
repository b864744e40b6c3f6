package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlIdentifierTest {

  @Test
  void quotedAndUnquotedNames_matchWithoutCase_onEveryDatabasesFolding() {
    assertThat(SqlIdentifier.key("Customer")).isEqualTo("customer");
    assertThat(SqlIdentifier.key("\"CUSTOMER\"")).isEqualTo("customer");
    assertThat(SqlIdentifier.key("`customer`")).isEqualTo("customer");
    assertThat(SqlIdentifier.sameColumn("Email", "\"EMAIL\"")).isTrue();
    assertThat(SqlIdentifier.sameColumn("email", "phone")).isFalse();
  }

  @Test
  void quotedNames_mayHoldSpacesDotsAndDoubledQuotes() {
    assertThat(SqlIdentifier.key("\"Order Lines\"")).isEqualTo("order lines");
    assertThat(SqlIdentifier.key("\"a.b\"")).isEqualTo("a.b");
    assertThat(SqlIdentifier.unqualifiedKey("\"a.b\"")).isEqualTo("a.b");
    assertThat(SqlIdentifier.unqualifiedName("\"say \"\"hi\"\"\"")).isEqualTo("say \"hi\"");
    assertThat(SqlIdentifier.requireColumn("\"select\"", "column")).isEqualTo("\"select\"");
  }

  @Test
  void schemaQualifiedTables_matchTheirUnqualifiedReference_butNotAnotherSchema() {
    assertThat(SqlIdentifier.requireTable("billing.customer", "table")).isEqualTo("billing.customer");
    assertThat(SqlIdentifier.schemaKey("Billing.\"Customer\"")).isEqualTo("billing");
    assertThat(SqlIdentifier.unqualifiedName("Billing.\"Customer\"")).isEqualTo("Customer");
    assertThat(SqlIdentifier.sameTable("billing.customer", "CUSTOMER")).isTrue();
    assertThat(SqlIdentifier.sameTable("billing.customer", "BILLING.customer")).isTrue();
    assertThat(SqlIdentifier.sameTable("billing.customer", "sales.customer")).isFalse();
    assertThat(SqlIdentifier.sameTable("customer", "sales.customer")).isTrue();
  }

  @Test
  void badNames_areRefused_namingWhatWasDeclared() {
    for (String bad : new String[] {"", "a b", "1abc", "a-b", "\"unterminated", "\"\"", "a.", ".a", "a..b",
        "\"x\"y", "a;drop table t", "\"line\nbreak\""}) {
      assertThatThrownBy(() -> SqlIdentifier.requireTable(bad, "table of x"), bad)
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("table of x");
    }
    assertThatThrownBy(() -> SqlIdentifier.requireColumn("s.c", "column of t"))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("one name");
    assertThatThrownBy(() -> SqlIdentifier.requireTable("a.b.c", "table"))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("schema.table");
    assertThatThrownBy(() -> SqlIdentifier.requireColumn(null, "column"))
        .isInstanceOf(VaultConfigurationException.class);
  }
}
