package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.jdbc.keystore.KeyInUseException;
import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyring;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first "must show": a large table with several encrypted columns, a promoted key, the
 * rewrapper, and key retirement before and after. Rows: system property {@code fieldvault.rotation.rows}
 * (20,000 in the module build, 100,000 when run outside Maven; the figure: -Dfieldvault.rotation.rows=100000).
 */
class RewrapperLargeTableTest {

  static final int ROWS = Integer.getInteger("fieldvault.rotation.rows", 100_000);

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void rotatingManyRows_movesEveryValueToTheNewKey_andOnlyThenAllowsDisablingTheOldOne(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "large");
    Keyring original = Keyring.generate("rot-large");
    fx.create(FieldCipher.create(original), ROWS);
    KeyStore store = KeyStore.create(fx.db.dataSource(),
        KeyEncryptionKeys.fromMasterSecret("rotation-test-master-secret-0123456789"), fx.vaultTables);
    store.insert(original.aead().orElseThrow());
    store.insert(original.deterministic().orElseThrow());
    store.insert(original.prf().orElseThrow());
    try (StoredKeyring keyring = StoredKeyring.open(store, "rot-large-aead", "rot-large-daead", "rot-large-prf")) {
      for (String name : List.of("rot-large-aead", "rot-large-daead", "rot-large-prf")) {
        store.update(name, VaultKeyset::rotate);
      }
      assertThat(keyring.reload()).isTrue();
      VaultKeyset aead = keyring.keyring().aead().orElseThrow();
      int oldAead = aead.byOrdinal(1).keyId();
      int newAead = aead.primary().keyId();
      List<EncryptedTable> declared = List.of(fx.declaration());

      KeyInventory before = KeyInventory.scan(fx.db.dataSource(), declared);
      long salaries = ROWS - ROWS / 10;
      assertThat(before.valuesUsing(oldAead)).isEqualTo(2L * ROWS + salaries);
      assertThatThrownBy(() -> store.disableKey("rot-large-aead", 1, before))
          .isInstanceOf(KeyInUseException.class)
          .hasMessageContaining((2L * ROWS + salaries) + " stored values")
          .hasMessageContaining(fx.table + ".email: " + ROWS)
          .hasMessageContaining(fx.table + ".salary: " + salaries)
          .hasMessageContaining("run the rewrapper");

      RotationResult result = fx.rewrapper(keyring.cipher()).batchSize(1000).rangeSize(25_000).build().run();

      assertThat(result.complete()).isTrue();
      assertThat(result.rowsScanned()).isEqualTo(ROWS);
      assertThat(result.rowsRewrapped()).isEqualTo(ROWS);
      assertThat(result.rowsConflicted()).isZero();
      assertThat(result.valuesOffPrimary()).isZero();
      ColumnInventory email = result.inventory().column(fx.table, "email").orElseThrow();
      assertThat(email.valuesByKeyId()).isEqualTo(Map.of(newAead, (long) ROWS));
      ColumnInventory salary = result.inventory().column(fx.table, "salary").orElseThrow();
      assertThat(salary.valuesByKeyId()).isEqualTo(Map.of(newAead, salaries));
      assertThat(salary.nulls()).isEqualTo(ROWS / 10);
      int newPrf = keyring.keyring().prf().orElseThrow().primary().keyId();
      assertThat(result.inventory().column(fx.table, "email_bi").orElseThrow().valuesByKeyId())
          .isEqualTo(Map.of(newPrf, (long) ROWS));
      int newDaead = keyring.keyring().deterministic().orElseThrow().primary().keyId();
      assertThat(result.inventory().column(fx.table, "ssn").orElseThrow().valuesByKeyId())
          .isEqualTo(Map.of(newDaead, (long) ROWS));
      assertThat(fx.sumRewrappedInWorkTable(result.rotationId())).isEqualTo(ROWS);

      KeyInventory after = KeyInventory.scan(fx.db.dataSource(), declared);
      for (String name : List.of("rot-large-aead", "rot-large-daead", "rot-large-prf")) {
        store.disableKey(name, 1, after);
      }
      assertThat(keyring.reload()).isTrue();
      fx.assertEveryRowDecrypts(keyring.cipher(), ROWS, Map.of());
      // the old key really is gone for reading
      byte[] old = FieldCipher.create(original).field(RotationFixture.SALARY).encrypt(5L);
      assertThatThrownBy(() -> keyring.cipher().field(RotationFixture.SALARY).decrypt(old))
          .isInstanceOf(KeyUnavailableException.class);
      assertThat(newAead).isNotEqualTo(oldAead);
    } finally {
      fx.drop();
    }
  }
}
