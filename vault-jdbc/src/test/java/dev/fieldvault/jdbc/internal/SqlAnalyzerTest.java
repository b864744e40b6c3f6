package dev.fieldvault.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.EncryptedColumn;
import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.keys.EncryptionMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlAnalyzerTest {

  private static final EncryptedColumns COLUMNS = EncryptedColumns.builder()
      .add(EncryptedColumn.builder("customer", "email", String.class).mode(EncryptionMode.DETERMINISTIC).build())
      .add(EncryptedColumn.builder("customer", "ssn", String.class).rowIdColumn("id").build())
      .add(EncryptedColumn.builder("customer", "phone", String.class).blindIndexColumn("phone_bidx").build())
      .add(EncryptedColumn.builder("customer", "note", String.class).build())
      .build();

  private final SqlAnalyzer analyzer = new SqlAnalyzer(COLUMNS);

  /** The plan's parameter targets as text, e.g. "1:VALUE(customer.email)"; "-" for pass-through ones. */
  private List<String> params(String sql) {
    StatementPlan plan = analyzer.analyze(sql);
    assertThat(plan.refusal).as(sql).isNull();
    List<String> out = new ArrayList<>();
    for (int i = 1; i < plan.params.length; i++) {
      ParamTarget t = plan.params[i];
      out.add(i + ":" + (t == null ? "-" : t.kind + "(" + t.column.column()
          + (t.rowIdParameter > 0 ? "@" + t.rowIdParameter : t.rowIdLiteral != null ? "@" + t.rowIdLiteral : "") + ")"));
    }
    return out;
  }

  private String refusal(String sql) {
    String why = analyzer.analyze(sql).refusal;
    assertThat(why).as(sql).isNotNull();
    return why;
  }

  @Test
  void statementsOnOtherTables_passThroughWithoutParsing() {
    assertThat(analyzer.analyze("SELECT * FROM orders WHERE total > 5 AND note = 'x'"))
        .isSameAs(StatementPlan.PASS_THROUGH);
    assertThat(analyzer.analyze("this is not sql at all")).isSameAs(StatementPlan.PASS_THROUGH);
    assertThat(analyzer.analyze("SELECT * FROM customers_archive WHERE email = 'x'"))
        .isSameAs(StatementPlan.PASS_THROUGH);
  }

  @Test
  void insert_mapsEachParameterToItsColumn_withTheRowIdParameterForRowBoundColumns() {
    assertThat(params("INSERT INTO customer (email, id, name, ssn, phone, phone_bidx) VALUES (?, ?, ?, ?, ?, ?)"))
        .containsExactly("1:VALUE(email)", "2:ROW_ID(ssn)", "3:-", "4:VALUE(ssn@2)", "5:VALUE(phone)",
            "6:BLIND_INDEX(phone)");
  }

  @Test
  void multiRowInsert_mapsEveryRow_andInlineRowIdsAreKept() {
    assertThat(params("INSERT INTO \"customer\" (id, ssn, note) VALUES (1, ?, ?), (2, ?, NULL)"))
        .containsExactly("1:VALUE(ssn@1)", "2:VALUE(note)", "3:VALUE(ssn@2)");
  }

  @Test
  void update_mapsSetParameters_andWhereEqualityOnDeterministicAndBlindIndexColumns() {
    assertThat(params("UPDATE customer SET ssn = ?, note = ? WHERE id = ? AND email = ?"))
        .containsExactly("1:VALUE(ssn@3)", "2:VALUE(note)", "3:ROW_ID(ssn)", "4:SEARCH(email)");
    assertThat(params("UPDATE customer c SET phone = ?, phone_bidx = ? WHERE c.phone_bidx IN (?, ?)"))
        .containsExactly("1:VALUE(phone)", "2:BLIND_INDEX(phone)", "3:BLIND_INDEX_SEARCH(phone)",
            "4:BLIND_INDEX_SEARCH(phone)");
  }

  @Test
  void select_mapsSearchesInSubqueriesJoinsAndCtes_andLabelsByAlias() {
    StatementPlan plan = analyzer.analyze("WITH c AS (SELECT id, email, ssn FROM customer WHERE email = ?)"
        + " SELECT c.email AS mail, x.note, c.ssn, c.id FROM c JOIN customer x ON x.id = c.id"
        + " WHERE x.id IN (SELECT id FROM customer WHERE phone_bidx = ?)");
    assertThat(plan.refusal).isNull();
    assertThat(plan.params[1].kind).isEqualTo(ParamTarget.Kind.SEARCH);
    assertThat(plan.params[2].kind).isEqualTo(ParamTarget.Kind.BLIND_INDEX_SEARCH);
    assertThat(plan.read.keySet()).containsExactlyInAnyOrder("mail", "note", "ssn");
    assertThat(plan.read.get("mail").column.column()).isEqualTo("email");
    assertThat(plan.read.get("ssn").rowIdLabel).isEqualTo("id");
  }

  @Test
  void selectStar_exposesEveryEncryptedColumnOfTheTable() {
    StatementPlan plan = analyzer.analyze("SELECT * FROM customer");
    assertThat(plan.read.keySet()).containsExactlyInAnyOrder("email", "ssn", "phone", "note");
    assertThat(plan.read.get("ssn").rowIdLabel).isEqualTo("id");
  }

  @Test
  void insertSelect_mapsParameters_andAllowsCopiesInTheSameContext() {
    assertThat(params("INSERT INTO customer (id, email, note) SELECT id, email, ? FROM customer WHERE email = ?"))
        .containsExactly("1:VALUE(note)", "2:SEARCH(email)");
    assertThat(refusal("INSERT INTO customer (id, email) SELECT id, note FROM customer"))
        .contains("customer.email");
  }

  @Test
  void upserts_mapParameters_andAllowTheInsertedRowsValue() {
    assertThat(params("INSERT INTO customer (id, note) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET note = excluded.note"))
        .containsExactly("1:-", "2:VALUE(note)");
    assertThat(params("INSERT INTO customer (id, note) VALUES (?, ?) ON DUPLICATE KEY UPDATE note = ?"))
        .containsExactly("1:-", "2:VALUE(note)", "3:VALUE(note)");
  }

  @Test
  void literalsExpressionsAndUnmappableForms_areRefused_namingTheColumn() {
    assertThat(refusal("INSERT INTO customer (id, note) VALUES (?, 'secret')")).contains("customer.note")
        .doesNotContain("secret'");
    assertThat(refusal("INSERT INTO customer (id, note) VALUES (?, LOWER(?))")).contains("customer.note");
    assertThat(refusal("INSERT INTO customer VALUES (?, ?)")).contains("must name its columns");
    assertThat(refusal("UPDATE customer SET email = email || ?")).contains("customer.email");
    assertThat(refusal("UPDATE customer SET ssn = ? WHERE email = ?")).contains("WHERE id = ?");
    assertThat(refusal("INSERT INTO customer (ssn) VALUES (?)")).contains("must also write id");
    assertThat(refusal("INSERT INTO customer (id, phone) VALUES (?, ?)")).contains("phone_bidx");
    assertThat(refusal("SELECT * FROM customer WHERE note = ?")).contains("randomized");
    assertThat(refusal("SELECT * FROM customer WHERE phone = ?")).contains("phone_bidx = ?");
    assertThat(refusal("SELECT * FROM customer WHERE email = 'a@b'")).contains("customer.email")
        .doesNotContain("a@b");
    assertThat(refusal("SELECT * FROM customer WHERE email IN ('a@b', ?)")).contains("customer.email");
    assertThat(refusal("SELECT * FROM customer WHERE LOWER(email) = ?")).contains("computes on");
    assertThat(refusal("SELECT * FROM customer WHERE email > ?")).contains("range");
    assertThat(refusal("SELECT * FROM customer WHERE note LIKE ?")).contains("LIKE");
    assertThat(refusal("SELECT * FROM customer WHERE email IS NOT DISTINCT FROM ?")).contains("DISTINCT");
    assertThat(refusal("SELECT * FROM customer WHERE ? <=> email")).contains("<=>");
    assertThat(refusal("MERGE INTO customer USING t ON (customer.id = t.id) WHEN MATCHED THEN UPDATE SET note = t.v"))
        .contains("MERGE");
    assertThat(refusal("INSERT INTO customer (id, note) VALUES (?, ?) ,,, garbage")).contains("cannot parse");
  }

  @Test
  void ddlAndOtherStatements_onEncryptedTables_passThrough() {
    assertThat(analyzer.analyze("CREATE TABLE customer (id BIGINT PRIMARY KEY, email BYTEA)").refusal).isNull();
    assertThat(analyzer.analyze("DROP TABLE customer").refusal).isNull();
    assertThat(params("DELETE FROM customer WHERE id = ?")).isEmpty();
  }

  // --------------------------------------------------------------------------------------------
  // Searches during a key rotation: the SQL for several key versions

  private SearchExpansion.Expanded expanded(String sql, int slots) {
    StatementPlan plan = analyzer.analyze(sql);
    assertThat(plan.refusal).as(sql).isNull();
    assertThat(plan.search).as(sql).isNotNull();
    return plan.search.expand(slots);
  }

  @Test
  void searches_expandEveryShape_inTheApplicationsOwnText() {
    assertThat(expanded("SELECT id FROM customer WHERE email = ? AND id > ?", 2).sql)
        .isEqualTo("SELECT id FROM customer WHERE email IN (?, ?) AND id > ?");
    assertThat(expanded("SELECT id FROM customer c\n\tWHERE ? = c.email /* keep me */ OR (c.email) <>  (?)", 3).sql)
        .isEqualTo("SELECT id FROM customer c\n\tWHERE c.email IN (?, ?, ?) /* keep me */ OR (c.email) NOT IN (?, ?, ?)");
    assertThat(expanded("DELETE FROM customer WHERE phone_bidx NOT IN (?, (?), id) AND email != ?", 2).sql)
        .isEqualTo("DELETE FROM customer WHERE phone_bidx NOT IN (?, ?, ?, ?, id) AND email NOT IN (?, ?)");
    assertThat(expanded("UPDATE customer SET note = ? WHERE name = 'it''s ?' AND email = ?", 2).sql)
        .isEqualTo("UPDATE customer SET note = ? WHERE name = 'it''s ?' AND email IN (?, ?)");
  }

  @Test
  void oneReadableKey_keepsTheSqlExactlyAsWritten() {
    String sql = "SELECT id FROM customer WHERE email = ? AND phone_bidx IN (?, ?)";
    assertThat(expanded(sql, 1).sql).isSameAs(sql);
    assertThat(expanded(sql, 1).first(3)).isEqualTo(3);
  }

  @Test
  void parameterIndexes_afterAnExpandedOne_moveBySlotsMinusOne() {
    SearchExpansion.Expanded e = expanded(
        "SELECT id FROM customer WHERE id > ? AND email = ? AND name = ? AND phone_bidx IN (?, ?) AND id < ?", 3);
    assertThat(new int[] {e.first(1), e.first(2), e.first(3), e.first(4), e.first(5), e.first(6), e.first(9)})
        .containsExactly(1, 2, 5, 6, 9, 12, 15);
  }

  @Test
  void aSearchThatCannotBeRewrittenSafely_isRefused_neverLeftToMatchThePrimaryKeyOnly() {
    assertThat(refusal("SELECT * FROM customer c, orders o WHERE c.email(+) = ?"))
        .contains("cannot rewrite the search on customer.email").contains("older keys");
    assertThat(refusal("SELECT * FROM customer WHERE email = ?(+)")).contains("cannot rewrite");
  }

  @Test
  void aParseTreeTheWalkDoesNotExpect_isRefused_notAnException() {
    // found by SqlDifferentialFuzzTest: JSqlParser 5.4 reads these as a DELETE of no table
    assertThat(refusal("DELETE FROM WHERE email = ? -- customer")).contains("cannot parse").contains("customer");
    assertThat(refusal("DELETE FROM /* customer */")).contains("cannot parse");
  }

  @Test
  void aResultLabelOfAnEncryptedColumnAndOfAnotherColumn_isRefused_sinceTheWrongOneWouldBeDecrypted() {
    // found by SqlDifferentialFuzzTest: "SELECT id, det, rnd AS t, t" decrypted the plain column t
    assertThat(refusal("SELECT id, ssn AS name, name FROM customer")).contains("label name")
        .contains("customer.ssn").contains("different aliases");
    assertThat(refusal("SELECT id, email, note AS email FROM customer")).contains("label email");
    assertThat(refusal("SELECT *, name AS note FROM customer")).contains("label note");
    assertThat(analyzer.analyze("SELECT email, email AS email FROM customer").refusal).isNull();
    assertThat(analyzer.analyze("SELECT c.email, d.email FROM customer c JOIN customer d ON d.id = c.id").refusal)
        .isNull();
    assertThat(analyzer.analyze("SELECT id, ssn AS name, name AS n2, phone_bidx FROM customer").read)
        .containsOnlyKeys("name");
  }

  @Test
  void anEncryptedColumnOnTheRightOfInBetweenOrLike_isRefused_elseTheValueWouldBeSentAsPlaintext() {
    // found by SqlDifferentialFuzzTest: "? NOT IN (bi_bi)" sent its value as it is and deleted the wrong rows
    assertThat(refusal("SELECT id FROM customer WHERE ? IN (email)")).contains("customer.email");
    assertThat(refusal("DELETE FROM customer WHERE ? NOT IN (phone_bidx, ?)")).contains("phone_bidx");
    assertThat(refusal("SELECT id FROM customer WHERE 'a@b' IN (name, email)")).contains("customer.email");
    assertThat(refusal("SELECT id FROM customer WHERE ? IN (LOWER(email))")).contains("customer.email");
    assertThat(refusal("SELECT id FROM customer WHERE ? BETWEEN email AND ?")).contains("customer.email");
    assertThat(refusal("SELECT id FROM customer WHERE ? LIKE phone_bidx")).contains("customer.phone");
    assertThat(analyzer.analyze("SELECT id FROM customer WHERE name IN (email) AND ? IN (name, 'x')").refusal)
        .as("a column compared with the stored form, a value with plain columns").isNull();
  }

  @Test
  void aValueComparedWithASubqueryThatSelectsAnEncryptedColumn_isRefused_elseItWouldBeSentAsPlaintext() {
    assertThat(refusal("SELECT id FROM customer WHERE ? IN (SELECT email FROM customer)")).contains("customer.email");
    assertThat(refusal("SELECT id FROM customer WHERE ? = (SELECT c.email FROM customer c WHERE c.id = 1)"))
        .contains("customer.email");
    assertThat(refusal("SELECT id FROM customer WHERE ? <> ANY (SELECT phone_bidx FROM customer)"))
        .contains("phone_bidx");
    assertThat(refusal("SELECT id FROM customer WHERE (SELECT email FROM customer WHERE id = 1) = 'a@b'"))
        .contains("customer.email");
    assertThat(refusal("SELECT id FROM orders WHERE ? NOT IN (SELECT name FROM customer UNION SELECT email FROM"
        + " customer)")).contains("customer.email");
    assertThat(analyzer.analyze("SELECT id FROM customer c WHERE c.email IN (SELECT email FROM customer)"
        + " AND ? IN (SELECT name FROM customer)").refusal).as("a column; a plain column").isNull();
  }

  @Test
  void statementsThatSearchNothing_haveNoExpansion() {
    assertThat(analyzer.analyze("UPDATE customer SET email = ?, note = ? WHERE id = ?").search).isNull();
    assertThat(analyzer.analyze("INSERT INTO customer (id, phone, phone_bidx) VALUES (?, ?, ?)").search).isNull();
  }

  @Test
  void planCache_isBounded_andReturnsTheCachedPlan() {
    PlanCache cache = new PlanCache(16, analyzer::analyze);
    for (int i = 0; i < 100; i++) {
      cache.get("SELECT * FROM customer WHERE id = " + i);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(16);
    StatementPlan p = cache.get("SELECT email FROM customer");
    assertThat(cache.get("SELECT email FROM customer")).isSameAs(p);
  }
}
