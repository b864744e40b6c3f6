package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.rotation.MigrationPlan.ColumnPlan;
import dev.fieldvault.jdbc.rotation.MigrationPlan.Verdict;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema plan of a plaintext migration on a legacy table as an application has it before
 * encryption (a narrow e-mail, a note in a text column declared BINARY, an age in an INTEGER column
 * declared TEXT, no blind-index column yet), on H2, PostgreSQL and MariaDB: each verdict, the DDL run
 * as printed, the plan then ready, and the migration of the converted data.
 */
class MigrationPlanTest {

  private static final int ROWS = 200;

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void theDdlOfThePlan_makesEveryColumnFit_keepingItsData_andTheMigrationThenCompletes(TestDatabases.Kind kind)
      throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "plan");
    try {
      fx.drop();
      try (Connection c = fx.db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + fx.table + " (id BIGINT NOT NULL PRIMARY KEY, tenant VARCHAR(20) NOT NULL,"
            + " email VARCHAR(40), phone VARCHAR(100), note VARCHAR(100) NOT NULL, age INTEGER)");
      }
      try (Connection c = fx.db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + fx.table
          + " (id, tenant, email, phone, note, age) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (long id = 1; id <= ROWS; id++) {
          ps.setLong(1, id);
          ps.setString(2, MigrationFixture.tenant(id));
          ps.setString(3, MigrationFixture.email(id));
          ps.setString(4, MigrationFixture.phone(id));
          ps.setString(5, MigrationFixture.note(id));
          if (MigrationFixture.age(id) == null) {
            ps.setNull(6, Types.INTEGER);
          } else {
            ps.setInt(6, MigrationFixture.age(id));
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
      fx.vaultTables.install(fx.db.dataSource());
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-plan"));
      List<EncryptedTable> tables = List.of(fx.declaration());

      MigrationPlan plan = MigrationPlan.scan(fx.db.dataSource(), cipher, tables);

      System.out.println(plan.describe() + String.join("\n", plan.ddl()));
      Map<String, ColumnPlan> byName = plan.columns().stream()
          .collect(Collectors.toMap(ColumnPlan::column, p -> p));
      assertThat(plan.ready()).isFalse();
      assertThat(plan.database()).isEqualTo(Map.of(TestDatabases.Kind.H2, "H2", TestDatabases.Kind.POSTGRES,
          "PostgreSQL", TestDatabases.Kind.MARIADB, "MariaDB").get(kind));
      // e-mail: "User200@Example.com" is 19 bytes, 41 encrypted (AES-SIV), 56 in base64: more than 40
      ColumnPlan email = byName.get("email");
      assertThat(email.verdict()).isEqualTo(Verdict.TOO_NARROW);
      assertThat(email.declaredSize()).isEqualTo(40);
      assertThat(email.longestStored()).isEqualTo(56);
      assertThat(email.plaintextValues()).isEqualTo(ROWS - ROWS / 7);
      assertThat(email.recommendedSize()).as("the sizing rule for 40 characters").isEqualTo(4 * ((3 * 40 + 34 + 2) / 3));
      // phone: short values fit; the column takes plaintexts of up to 3*100/4 - 34 bytes encrypted
      ColumnPlan phone = byName.get("phone");
      assertThat(phone.verdict()).isEqualTo(Verdict.FITS);
      assertThat(phone.ddl()).isEmpty();
      assertThat(phone.maxPlaintextBytes()).isEqualTo(75 - 34);
      assertThat(byName.get("phone_bi").verdict()).isEqualTo(Verdict.MISSING);
      assertThat(byName.get("phone_bi").recommendedSize()).isEqualTo(21);
      ColumnPlan note = byName.get("note");
      assertThat(note.verdict()).as("text, declared BINARY").isEqualTo(Verdict.WRONG_TYPE);
      assertThat(note.plaintextValues()).isEqualTo(ROWS);
      ColumnPlan age = byName.get("age");
      assertThat(age.verdict()).as("INTEGER, declared TEXT").isEqualTo(Verdict.WRONG_TYPE);
      assertThat(age.recommendedSize()).as("4 bytes + 34, in base64").isEqualTo(52);
      assertThat(plan.ddl()).hasSize(4).allSatisfy(s -> assertThat(s).startsWith("ALTER TABLE " + fx.table).endsWith(";"));
      assertThat(plan.describe()).contains("4 of 5 columns must change first").doesNotContain("User1@");

      try (Connection c = fx.db.connect(); Statement st = c.createStatement()) {
        for (String ddl : plan.ddl()) {
          st.execute(ddl.substring(0, ddl.length() - 1));
        }
      }
      MigrationPlan after = MigrationPlan.scan(fx.db.dataSource(), cipher, tables);
      assertThat(after.ready()).as(after.describe()).isTrue();
      assertThat(after.ddl()).isEmpty();

      RotationResult result = fx.migration(cipher).build().run();

      assertThat(result.complete()).as(result.describeRemaining()).isTrue();
      fx.assertEveryRowEncrypted(cipher, ROWS, Map.of());
      assertThat(MigrationPlan.scan(fx.db.dataSource(), cipher, tables).columns())
          .allSatisfy(p -> assertThat(p.plaintextValues()).isZero());
    } finally {
      fx.drop();
    }
  }
}
