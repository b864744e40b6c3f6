package dev.fieldvault.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptedProcedure;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlAnalyzerTest {

  private static final EncryptedColumn EMAIL =
      EncryptedColumn.builder("customer", "email", String.class).mode(EncryptionMode.DETERMINISTIC).build();
  private static final EncryptedColumn PHONE =
      EncryptedColumn.builder("customer", "phone", String.class).blindIndexColumn("phone_bidx").build();
  private static final EncryptedColumn NOTE = EncryptedColumn.builder("customer", "note", String.class).build();
  private static final EncryptedColumns COLUMNS = EncryptedColumns.builder()
      .add(EMAIL)
      .add(EncryptedColumn.builder("customer", "ssn", String.class).rowIdColumn("id").build())
      .add(PHONE)
      .add(NOTE)
      .procedure(EncryptedProcedure.builder("put_customer").encryptedParameter(2, EMAIL)
          .blindIndexParameter(3, PHONE).encryptedParameter(4, PHONE).build())
      .procedure(EncryptedProcedure.builder("Find_Note").decryptedResult("NOTE", NOTE).build())
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

  // ----------------------------------------------------------------------------------------------
  // Statements in one string, dynamic SQL, calls

  @Test
  void multiStatementString_isRefusedWhenItMentionsAnEncryptedTable_andPassesWhenNot() {
    assertThat(refusal("SELECT 1; INSERT INTO customer (id, note) VALUES (?, ?)")).contains("more than one statement");
    assertThat(refusal("SELECT 1;\nSELECT id FROM customer WHERE email = ?")).contains("table customer");
    assertThat(analyzer.analyze("SELECT 1; SELECT 2")).isSameAs(StatementPlan.PASS_THROUGH);
    assertThat(refusal("SELECT 1; CALL refresh(1)")).contains("procedure call");
    // one statement, whatever the semicolons, literals and comments around it
    assertThat(params("INSERT INTO customer (id, note) VALUES (?, ?);")).containsExactly("1:-", "2:VALUE(note)");
    assertThat(params("INSERT INTO customer (id, note) VALUES (?, ?) ; -- done;")).hasSize(2);
    assertThat(params("UPDATE customer SET note = ? WHERE id = ? AND name = 'a;b' /* ; */"))
        .containsExactly("1:VALUE(note)");
    // one statement for PostgreSQL, two for MariaDB (no dollar quotes there): not split with certainty
    assertThat(refusal("UPDATE customer SET note = ? WHERE name = $$a;b$$")).contains("with certainty");
  }

  @Test
  void splitting_readsEachDialectsLiteralsAndComments() {
    assertThat(SqlText.statements("SELECT 'a\\'; SELECT 2 -- '", SqlText.Dialect.STANDARD)).hasSize(2);
    assertThat(SqlText.statements("SELECT 'a\\'; SELECT 2 -- '", SqlText.Dialect.MYSQL)).hasSize(1);
    assertThat(SqlText.statements("SELECT E'a\\'; b'", SqlText.Dialect.STANDARD)).hasSize(1);
    assertThat(SqlText.statements("SELECT 1 # ;\n", SqlText.Dialect.MYSQL)).hasSize(1);
    assertThat(SqlText.statements("SELECT 1 --1; SELECT 2", SqlText.Dialect.MYSQL)).hasSize(2);
    assertThat(SqlText.statements("SELECT 1 --1; SELECT 2", SqlText.Dialect.STANDARD)).hasSize(1);
    assertThat(SqlText.statements("SELECT 1 /*! ; SELECT 2 */", SqlText.Dialect.MYSQL)).hasSize(2);
    assertThat(SqlText.statements("SELECT $tag$ ; $x$ ; $tag$", SqlText.Dialect.STANDARD)).hasSize(1);
    assertThat(SqlText.statements("SELECT /* /* ; */ ; */ 1", SqlText.Dialect.STANDARD)).hasSize(1);
    assertThat(SqlText.statements("SELECT 'open", SqlText.Dialect.STANDARD)).isNull();
    // cannot be split with certainty: refused when it mentions an encrypted table
    assertThat(refusal("SELECT 'a\\'; UPDATE customer SET note = 'x' -- '")).contains("with certainty");
    assertThat(refusal("SELECT id FROM customer WHERE id = ? /*! OR email = 'x' */")).contains("/*!");
  }

  @Test
  void dynamicSql_isRefusedEvenWithoutAnEncryptedTableName() {
    for (String sql : List.of("EXECUTE IMMEDIATE 'SELECT 1'", "execute immediate @q", "PREPARE s FROM @q",
        "EXECUTE s USING @a", "EXECUTE p(1)", "DO $$ BEGIN PERFORM 1; END $$", "do 1",
        "BEGIN NOT ATOMIC SELECT 1; END", "lbl: BEGIN NOT ATOMIC SELECT 1; END lbl", "IF 1 THEN SELECT 1; END IF",
        "DECLARE c CURSOR FOR SELECT 1", "SELECT query_to_xml(CONCAT('sel', 'ect 1'), true, false, '')",
        "SELECT * FROM dblink('db', 'SELECT 1') AS t(a int)", "SELECT dblink_exec('x')",
        "SELECT * FROM crosstab('SELECT 1')", "SELECT ts_stat('SELECT 1')", "CALL CSVWRITE('f', 'SELECT 1')",
        "SELECT 1; EXECUTE s", "SELECT public.dblink ('db', 'SELECT 1')", "SELECT \"dblink\"('db', 'SELECT 1')",
        "SELECT query_to_xml/* c */('SELECT 1', true, false, '')")) {
      assertThat(refusal(sql)).as(sql).contains("cannot see");
    }
    // transactions and plain words that only look alike pass
    for (String sql : List.of("BEGIN", "BEGIN TRANSACTION", "SELECT executed, prepared FROM jobs",
        "UPDATE docs SET done = 1", "SELECT 'EXECUTE IMMEDIATE' FROM dual",
        "INSERT INTO notes (v) VALUES ('see dblink(...) and query_to_xml( in the manual')",
        "SELECT crosstab FROM reports -- crosstab(")) {
      assertThat(analyzer.analyze(sql).refusal).as(sql).isNull();
    }
  }

  @Test
  void statementKindsNotAnalysed_areRefusedWhenTheyMentionAnEncryptedTable_ddlPasses() {
    assertThat(refusal("EXPLAIN SELECT * FROM customer WHERE email = 'x'")).contains("ExplainStatement");
    assertThat(refusal("SET @x = (SELECT id FROM customer WHERE email = 'x')")).contains("table customer");
    assertThat(refusal("CREATE VIEW v AS SELECT id FROM customer WHERE email = 'x'")).contains("customer.email");
    assertThat(refusal("CREATE TABLE c2 AS SELECT id FROM customer WHERE email = 'x'")).contains("customer.email");
    for (String ddl : List.of("CREATE TABLE customer (id BIGINT, email BYTEA)", "DROP TABLE customer",
        "ALTER TABLE customer ADD COLUMN x INT", "TRUNCATE TABLE customer", "CREATE INDEX i ON customer (email)",
        "CREATE VIEW v AS SELECT id, email FROM customer", "COMMENT ON TABLE customer IS 'x'")) {
      assertThat(analyzer.analyze(ddl).refusal).as(ddl).isNull();
    }
  }

  @Test
  void procedureCall_withArguments_isRefusedUnlessDeclared_withoutArgumentsPasses() {
    assertThat(refusal("CALL archive(?, ?)")).contains("archive").contains("not declared");
    assertThat(refusal("{call archive(1, 'x')}")).contains("not declared");
    assertThat(refusal("{? = call archive(?)}")).contains("not declared");
    assertThat(analyzer.analyze("CALL refresh()").call).isTrue();
    assertThat(analyzer.analyze("{call refresh}").refusal).isNull();
    assertThat(analyzer.analyze("CALL next value for seq").refusal).isNull();
    assertThat(refusal("CALL p ?")).contains("p");
  }

  @Test
  void declaredProcedure_mapsItsParametersByPosition_shiftedByAReturnParameter() {
    assertThat(params("CALL put_customer(?, ?, ?, ?)"))
        .containsExactly("1:-", "2:VALUE(email)", "3:BLIND_INDEX(phone)", "4:VALUE(phone)");
    assertThat(params("{call public.PUT_CUSTOMER(?, ?, ?, ?)}"))
        .containsExactly("1:-", "2:VALUE(email)", "3:BLIND_INDEX(phone)", "4:VALUE(phone)");
    assertThat(params("{? = call put_customer(?, ?, ?, ?)}"))
        .containsExactly("1:-", "2:-", "3:VALUE(email)", "4:BLIND_INDEX(phone)", "5:VALUE(phone)");
    assertThat(params("CALL put_customer(1, NULL, ?, ?)")).containsExactly("1:BLIND_INDEX(phone)", "2:VALUE(phone)");
    assertThat(refusal("CALL put_customer(1, 'a@b', ?, ?)")).contains("Argument 2").doesNotContain("a@b");
    assertThat(refusal("CALL put_customer(1, LOWER(?), ?, ?)")).contains("Argument 2");
    StatementPlan find = analyzer.analyze("{call find_note(?)}");
    assertThat(find.refusal).isNull();
    assertThat(find.read).containsOnlyKeys("note");
    assertThat(find.read.get("note").column).isSameAs(NOTE);
  }

  @Test
  void plainStatementOfADeclaredCall_saysToUsePrepareCall() throws Exception {
    StatementPlan plan = analyzer.analyze("CALL put_customer(?, ?, ?, ?)");
    org.assertj.core.api.Assertions.assertThatThrownBy(plan::checkAllowedInline)
        .hasMessageContaining("prepareCall");
  }

  @Test
  void multiRowValues_withAsManyRowsAsColumns_mapsEveryRow() {
    assertThat(params("INSERT INTO customer (id, note) VALUES (?, ?), (?, ?)"))
        .containsExactly("1:-", "2:VALUE(note)", "3:-", "4:VALUE(note)");
    assertThat(params("INSERT INTO customer (id, name, note) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)"))
        .containsExactly("1:-", "2:-", "3:VALUE(note)", "4:-", "5:-", "6:VALUE(note)", "7:-", "8:-", "9:VALUE(note)");
    assertThat(params("INSERT INTO customer (note) VALUES (?), (?)")).containsExactly("1:VALUE(note)", "2:VALUE(note)");
    assertThat(refusal("INSERT INTO customer (id, note) VALUES ((?, ?))")).contains("customer");
  }

  @Test
  void unicodeEscapedName_isRefused_becauseItCouldNameAnEncryptedTable() {
    assertThat(refusal("INSERT INTO U&\"cust\\006fmer\" (id, note) VALUES (1, 'x')")).contains("Unicode escapes");
    assertThat(refusal("SELECT * FROM t WHERE a = U&'x'")).contains("Unicode escapes");
    assertThat(analyzer.analyze("SELECT 'R&D' FROM t").refusal).isNull();
  }

  @Test
  void dataModifyingCte_onAnEncryptedTable_isRefused() {
    assertThat(refusal("WITH x AS (INSERT INTO customer (id, note) VALUES (1, 'x') RETURNING id) SELECT 1"))
        .contains("customer").doesNotContain("'x'");
    assertThat(refusal("WITH x AS (UPDATE customer SET note = 'x' RETURNING id) SELECT * FROM x")).contains("customer");
  }

  @Test
  void blindIndexParameter_isFilledFromItsColumnsParameterInTheSameRow() {
    StatementPlan plan = analyzer.analyze(
        "INSERT INTO customer (id, phone_bidx, phone) VALUES (?, ?, ?), (?, ?, ?)");
    assertThat(plan.refusal).isNull();
    assertThat(plan.params[2].valueParameter).isEqualTo(3);
    assertThat(plan.params[5].valueParameter).isEqualTo(6);
    StatementPlan update = analyzer.analyze("UPDATE customer SET phone_bidx = ?, name = ?, phone = ? WHERE id = ?");
    assertThat(update.params[1].valueParameter).isEqualTo(3);
    assertThat(refusal("UPDATE customer SET phone_bidx = ? WHERE id = ?")).contains("without the column itself");
  }

  @Test
  void unmappedParameterNextToAnEncryptedColumn_isRefused_butOneInAnotherPredicateIsNot() {
    assertThat(refusal("SELECT id FROM customer WHERE email = (SELECT ?)")).contains("customer.email");
    assertThat(refusal("SELECT id FROM customer WHERE NULLIF(phone_bidx, ?) IS NULL")).contains("customer.phone");
    assertThat(refusal("SELECT CASE WHEN note IS NULL THEN ? END FROM customer")).contains("customer.note");
    assertThat(params("SELECT id FROM customer WHERE name = ? AND (email = ? OR note IS NULL)"))
        .containsExactly("1:-", "2:SEARCH(email)");
    assertThat(params("SELECT id, ? AS tag, CASE WHEN email = ? THEN 1 ELSE 0 END AS hit FROM customer"))
        .containsExactly("1:-", "2:SEARCH(email)");
  }

  @Test
  void selectListExpressionReturningCiphertext_isRefused_butCountAndPredicatesPass() {
    assertThat(refusal("SELECT COALESCE(note, name) AS note FROM customer")).contains("select list");
    assertThat(refusal("SELECT MAX(email) FROM customer")).contains("customer.email");
    assertThat(analyzer.analyze("SELECT COUNT(note), MAX(phone_bidx), note IS NULL AS missing FROM customer")
        .refusal).isNull();
  }
}
