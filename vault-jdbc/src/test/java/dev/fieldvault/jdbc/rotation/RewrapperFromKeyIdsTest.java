package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Rewrapper.Builder#fromKeyIds}: only values under the given key ids move; the rest stay as they are. */
class RewrapperFromKeyIdsTest {

  private static final int ROWS = 300;

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void fromKeyIds_movesOnlyTheValuesUnderThoseKeys_andCountsOnlyThoseAsLeft(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "fromkeys");
    try {
      Keyring original = Keyring.generate("rot-from");
      fx.create(FieldCipher.create(original), ROWS);
      FieldCipher cipher = FieldCipher.create(RotationFixture.promoteAll(original));
      int oldAead = original.aead().orElseThrow().primary().keyId();
      int oldDeterministic = original.deterministic().orElseThrow().primary().keyId();
      var before = fx.snapshot();

      Rewrapper nothing = fx.rewrapper(cipher).fromKeyIds(List.of(12345)).build();
      RotationResult none = nothing.run();
      assertThat(none.rowsRewrapped()).as("no value is under key 12345").isZero();
      assertThat(none.complete()).isTrue();
      assertThat(nothing.rotationId()).endsWith("-from-12345");

      RotationResult r = fx.rewrapper(cipher).fromKeyIds(List.of(oldAead)).build().run();

      assertThat(r.rowsRewrapped()).isEqualTo(ROWS); // every row has randomized (AEAD) columns
      assertThat(r.rotationId()).endsWith("-from-" + Integer.toUnsignedString(oldAead));
      assertThat(r.complete()).as("nothing left under the AEAD key it moves from").isTrue();
      assertThat(r.valuesOffPrimary()).isZero();
      KeyInventory inventory = KeyInventory.scan(fx.db.dataSource(), List.of(fx.declaration()));
      int newAead = cipher.keyring().aead().orElseThrow().primary().keyId();
      for (ColumnInventory col : inventory.columns()) {
        if (col.blindIndex()) {
          continue;
        }
        if (col.column().equals("ssn")) {
          assertThat(col.valuesByKeyId()).as("the deterministic column stays under its old key")
              .containsOnlyKeys(oldDeterministic);
        } else {
          assertThat(col.valuesByKeyId()).as(col.qualifiedName()).containsOnlyKeys(newAead);
        }
      }
      var after = fx.snapshot();
      assertThat(after.keySet()).isEqualTo(before.keySet());
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      fx.drop();
    }
  }

  @Test
  void fromKeyIds_refusesNoIdsAndAPlaintextMigration() {
    Rewrapper.Builder b = Rewrapper.builder(new org.h2.jdbcx.JdbcDataSource(), FieldCipher.create(Keyring.generate("x")));
    assertThatThrownBy(() -> b.fromKeyIds(List.of())).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("one or more key ids");
    assertThatThrownBy(() -> Rewrapper.builder(new org.h2.jdbcx.JdbcDataSource(),
            FieldCipher.create(Keyring.generate("y"))).table(EncryptedTable.builder("t").primaryKey("id")
            .column(dev.fieldvault.keys.EncryptedColumn.builder("t", "c", RotationFixture.SALARY).build()).build())
        .fromKeyIds(List.of(1)).migratePlaintext(true).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("migratePlaintext");
  }
}
