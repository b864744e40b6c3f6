package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncryptedColumnTest {

  @Test
  void defaults_contextIsTheUnquotedTableAndColumn_binaryRandomizedUnbound() {
    EncryptedColumn c = EncryptedColumn.builder("billing.\"Order Lines\"", "\"Note\"", String.class).build();
    assertThat(c.spec().domain()).isEqualTo("Order Lines");
    assertThat(c.spec().field()).isEqualTo("Note");
    assertThat(c.table()).isEqualTo("billing.\"Order Lines\"");
    assertThat(c.mode()).isEqualTo(EncryptionMode.RANDOMIZED);
    assertThat(c.storage()).isEqualTo(ColumnStorage.BINARY);
    assertThat(c.rowIdColumn()).isNull();
    assertThat(c.tenantColumn()).isNull();
    assertThat(c.is("\"ORDER LINES\"", "note")).isTrue();
    assertThat(c.is("sales.\"Order Lines\"", "note")).isFalse();
  }

  @Test
  void rowIdColumn_makesTheColumnRowBound_andItsContextCarriesTheRowIdAndTenant() {
    EncryptedColumn c = EncryptedColumn.builder("customer", "ssn", String.class).context("Customer", "ssn")
        .rowIdColumn("id").tenantColumn("tenant_id").build();
    assertThat(c.spec().rowBound()).isTrue();
    assertThat(c.context("t1", 42L)).isEqualTo(EncryptionContext.of("Customer", "ssn", "t1", 42L));
    assertThatThrownBy(() -> c.context("t1", null))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("customer.ssn");
  }

  @Test
  void fromAFieldSpec_theSpecIsKept_andItsSettingsCannotBeSetTwice() {
    FieldSpec<String> spec = FieldSpec.builder("Customer", "email", String.class)
        .mode(EncryptionMode.DETERMINISTIC).blindIndex(8, Normalizers.caseInsensitive()).build();
    EncryptedColumn c = EncryptedColumn.builder("customer", "email", spec).blindIndexColumn("email_bi")
        .blindIndexStorage(ColumnStorage.TEXT).build();
    assertThat(c.spec()).isSameAs(spec);
    assertThat(c.blindIndexNormalizer()).isEqualTo(Normalizers.CASE_INSENSITIVE);
    assertThat(c.blindIndexStorage()).isEqualTo(ColumnStorage.TEXT);
    assertThatThrownBy(() -> EncryptedColumn.builder("customer", "email", spec).mode(EncryptionMode.RANDOMIZED))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("FieldSpec");
    EncryptedColumn copy = c.toBuilder().storage(ColumnStorage.TEXT).build();
    assertThat(copy.spec()).isSameAs(spec);
    assertThat(copy.blindIndexColumn()).isEqualTo("email_bi");
    assertThat(copy.storage()).isEqualTo(ColumnStorage.TEXT);
  }

  @Test
  void rowContext_namesTheColumnsItReads_andExcludesABlindIndex() {
    EncryptedColumn c = EncryptedColumn.builder("docs", "body", String.class).rowBound(true)
        .rowContext(r -> EncryptionContext.of("Doc", "body", null, r.getString("tenant_id") + "/" + r.getString("id")),
            "tenant_id", "id")
        .build();
    assertThat(c.contextColumns()).containsExactly("tenant_id", "id");
    assertThat(c.rowContext()).isNotNull();
    assertThatThrownBy(() -> EncryptedColumn.builder("docs", "title", String.class).blindIndexColumn("title_bi")
        .rowContext(r -> EncryptionContext.of("Doc", "title")).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("docs.title")
        .hasMessageContaining("blind-index");
    assertThatThrownBy(() -> EncryptedColumn.builder("docs", "body", String.class)
        .rowContext(r -> EncryptionContext.of("Doc", "body"), "body").build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("cannot read the encrypted column");
  }

  @Test
  void inconsistentDeclarations_areRefusedWhenBuilt_namingTheColumn() {
    FieldSpec<String> rowBound = FieldSpec.builder("C", "ssn", String.class).rowBound(true).build();
    assertThatThrownBy(() -> EncryptedColumn.builder("customer", "ssn", rowBound).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("customer.ssn")
        .hasMessageContaining("rowIdColumn");
    FieldSpec<String> plain = FieldSpec.builder("C", "note", String.class).build();
    assertThatThrownBy(() -> EncryptedColumn.builder("customer", "note", plain).rowIdColumn("id").build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("not row-bound");
    assertThatThrownBy(() -> EncryptedColumn.builder("customer", "note", plain).blindIndexColumn("note_bi").build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("no blind index");
    assertThatThrownBy(() -> EncryptedColumn.builder("customer", "note", String.class).tenantColumn("NOTE").build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("named twice");
    assertThatThrownBy(() -> EncryptedColumn.builder("customer", "note", String.class).rowIdColumn("id")
        .rowContext(r -> EncryptionContext.of("C", "note")).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("keep one");
    assertThatThrownBy(() -> EncryptedColumn.builder("a.b.c", "note", String.class))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("schema.table");
  }

  @Test
  void toString_namesTheColumn_andNeverAValue() {
    EncryptedColumn c = EncryptedColumn.builder("customer", "email", String.class).blindIndexColumn("email_bi").build();
    assertThat(c.toString()).contains("customer.email").contains("email_bi");
  }
}
