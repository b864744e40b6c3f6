package dev.fieldvault.hibernate.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchRewriteTest {

  private static final Set<String> COLUMNS = Set.of("email");

  @Test
  void equalityOnADeterministicColumn_becomesAnInListWithOnePlaceholderPerKey_andLaterIndexesShift() throws Exception {
    SearchingStatements.Rewrite rw = SearchingStatements.Rewrite.of(
        "select c1_0.id from hib_customer c1_0 where c1_0.email=? and c1_0.name=?", COLUMNS, 3);
    assertThat(rw.sql).isEqualTo("select c1_0.id from hib_customer c1_0 where c1_0.email in (?,?,?) and c1_0.name=?");
    assertThat(rw.start[1]).isEqualTo(1);
    assertThat(rw.count[1]).isEqualTo(3);
    assertThat(rw.column[1]).isEqualTo("email");
    assertThat(rw.start[2]).isEqualTo(4);
    assertThat(rw.count[2]).isEqualTo(1);
    assertThat(rw.column[2]).isNull();
  }

  @Test
  void anInList_growsEachPlaceholder() throws Exception {
    SearchingStatements.Rewrite rw = SearchingStatements.Rewrite.of(
        "select c.id from t c where c.EMAIL in (?,?) or c.id=?", COLUMNS, 2);
    assertThat(rw.sql).isEqualTo("select c.id from t c where c.EMAIL in (?,?,?,?) or c.id=?");
    assertThat(rw.start).containsExactly(0, 1, 3, 5);
  }

  @Test
  void updatesExpandOnlyTheirWhereClause_andInsertsAreUntouched() throws Exception {
    SearchingStatements.Rewrite rw = SearchingStatements.Rewrite.of(
        "update t set email=?, name=? where email=?", COLUMNS, 2);
    assertThat(rw.sql).isEqualTo("update t set email=?, name=? where email in (?,?)");
    assertThat(SearchingStatements.Rewrite.of("insert into t (email, name) values (?, ?)", COLUMNS, 2)).isNull();
    assertThat(SearchingStatements.Rewrite.of("update t set email=?", COLUMNS, 2)).isNull();
  }

  @Test
  void inequalityAndNotIn_becomeNotInListsOverEveryKey() throws Exception {
    SearchingStatements.Rewrite rw = SearchingStatements.Rewrite.of(
        "select 1 from t c where c.email<>? or email != ? or c.email not in (?,?) or c.id=?", COLUMNS, 2);
    assertThat(rw.sql).isEqualTo(
        "select 1 from t c where c.email not in (?,?) or email not in (?,?) or c.email not in (?,?,?,?) or c.id=?");
    assertThat(rw.start).containsExactly(0, 1, 3, 5, 7, 9);
    assertThat(rw.column[3]).isEqualTo("email");
  }

  @Test
  void aValueBeforeTheColumnOrAnOrderingComparison_isRefused_neverLeftToMissRows() throws Exception {
    for (String sql : new String[] {"select 1 from t c where ?=c.email", "select 1 from t where ? <> email",
        "select 1 from t where email>=?", "select 1 from t where email < ?", "select 1 from t c where c.email like ?",
        "select 1 from t where email between ? and ?"}) {
      assertThatThrownBy(() -> SearchingStatements.Rewrite.of(sql, COLUMNS, 2)).as(sql)
          .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("deterministic column email");
    }
  }

  @Test
  void otherComparisonsLiteralsAndOtherColumns_areLeftAlone() throws Exception {
    assertThat(SearchingStatements.Rewrite.of("select 1 from t where name<>? or ?=name or x_email>=?", COLUMNS, 2))
        .isNull();
    assertThat(SearchingStatements.Rewrite.of("select 1 from t where note='email=?' and x_email=?", COLUMNS, 2))
        .isNull();
    SearchingStatements.Rewrite rw = SearchingStatements.Rewrite.of(
        "select 1 from t where note='a?b' and email=?", COLUMNS, 2);
    assertThat(rw.sql).isEqualTo("select 1 from t where note='a?b' and email in (?,?)");
    assertThat(rw.start[1]).isEqualTo(1);
  }
}
