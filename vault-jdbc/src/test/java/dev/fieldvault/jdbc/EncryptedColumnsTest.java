package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class EncryptedColumnsTest {

  @Test
  void builder_defaultsTheContextToTableAndColumn_andLooksUpCaseInsensitively() {
    EncryptedColumns cols = EncryptedColumns.builder()
        .add(EncryptedColumn.builder("Customer", "Email", String.class).build()).build();
    EncryptedColumn c = cols.find("CUSTOMER", "email").orElseThrow();
    assertThat(c.spec().domain()).isEqualTo("Customer");
    assertThat(c.spec().field()).isEqualTo("Email");
    assertThat(c.mode()).isEqualTo(EncryptionMode.RANDOMIZED);
    assertThat(cols.find("customer", "name")).isEmpty();
  }

  @Test
  void fromAFieldSpec_keepsTheSpec_andTheRowIdColumn() {
    FieldSpec<String> spec = FieldSpec.builder("Customer", "ssn", String.class).rowBound(true).build();
    EncryptedColumn c = EncryptedColumn.builder("customer", "ssn", spec).rowIdColumn("id").build();
    assertThat(c.rowIdColumn()).isEqualTo("id");
    assertThat(c.spec()).isSameAs(spec);
    assertThat(c.storage()).isEqualTo(ColumnStorage.BINARY);
  }

  @Test
  void invalidConfigurations_failWhenBuilt_namingTheColumn() {
    FieldSpec<String> rowBound = FieldSpec.builder("C", "ssn", String.class).rowBound(true).build();
    assertThatThrownBy(() -> EncryptedColumn.builder("customer", "ssn", rowBound).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("customer.ssn")
        .hasMessageContaining("rowIdColumn");
    assertThatThrownBy(() -> EncryptedColumn.builder("customer", "email", String.class)
        .mode(EncryptionMode.DETERMINISTIC).rowIdColumn("id").build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("deterministic");
    assertThatThrownBy(() -> EncryptedColumns.builder()
        .add(EncryptedColumn.builder("t", "a", String.class).build())
        .add(EncryptedColumn.builder("T", "A", String.class).build()).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> EncryptedColumns.builder()
        .add(EncryptedColumn.builder("t", "a", String.class).blindIndexColumn("b").build())
        .add(EncryptedColumn.builder("t", "b", String.class).build()).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("t.b");
    assertThatThrownBy(() -> EncryptedColumn.builder("t", "a b", String.class))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("'a b'");
    assertThatThrownBy(() -> EncryptedColumn.builder("t", "a", Object.class))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("cannot encrypt");
  }

  @Test
  void quotedAndSchemaQualifiedNames_matchTheParsersNames_byTheOneIdentifierRule() {
    EncryptedColumns cols = EncryptedColumns.builder()
        .add(EncryptedColumn.builder("billing.\"Order Lines\"", "\"Note\"", String.class).build()).build();
    assertThat(cols.find("order lines", "note")).isPresent();
    assertThat(cols.find("ORDER LINES", "NOTE")).isPresent();
    assertThat(cols.hasTable("order lines")).isTrue();
  }

  @Test
  void columnsTheWrapperCannotBind_areRefused_namingTheColumn() {
    assertThatThrownBy(() -> EncryptedColumns.builder()
        .add(EncryptedColumn.builder("t", "a", String.class).tenantColumn("tenant_id").build()).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("t.a").hasMessageContaining("tenant");
    assertThatThrownBy(() -> EncryptedColumns.builder()
        .add(EncryptedColumn.builder("t", "a", String.class)
            .rowContext(r -> dev.fieldvault.keys.EncryptionContext.of("T", "a"), "id").build()).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("t.a").hasMessageContaining("row context");
    assertThatThrownBy(() -> EncryptedColumns.builder()
        .add(EncryptedColumn.builder("a.t", "x", String.class).build())
        .add(EncryptedColumn.builder("b.t", "y", String.class).build()).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("another schema");
  }

  @Test
  void wrap_checksTheKeyringServesEveryColumn_atStartup() {
    Keyring aeadOnly = Keyring.of(VaultKeyset.generate("jw-a", KeyPurpose.AEAD), null, null);
    EncryptedColumns cols = EncryptedColumns.builder()
        .add(EncryptedColumn.builder("t", "email", String.class).mode(EncryptionMode.DETERMINISTIC).build())
        .build();
    DataSource h2 = TestDatabases.h2().dataSource();
    assertThatThrownBy(() -> EncryptingDataSource.wrap(h2, FieldCipher.create(aeadOnly), cols))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("t.email")
        .hasMessageContaining("deterministic");
  }
}
