package dev.fieldvault.hibernate.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchRewriteTest {

  private static final Set<String> COLUMNS = Set.of("email");

  @Test
  void equalityOnADeterministicColumn_becomesAnInListWithOnePlaceholderPerKey_andLaterIndexesShift() {
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
  void anInList_growsEachPlaceholder() {
    SearchingStatements.Rewrite rw = SearchingStatements.Rewrite.of(
        "select c.id from t c where c.EMAIL in (?,?) or c.id=?", COLUMNS, 2);
    assertThat(rw.sql).isEqualTo("select c.id from t c where c.EMAIL in (?,?,?,?) or c.id=?");
    assertThat(rw.start).containsExactly(0, 1, 3, 5);
  }

  @Test
  void updatesExpandOnlyTheirWhereClause_andInsertsAreUntouched() {
    SearchingStatements.Rewrite rw = SearchingStatements.Rewrite.of(
        "update t set email=?, name=? where email=?", COLUMNS, 2);
    assertThat(rw.sql).isEqualTo("update t set email=?, name=? where email in (?,?)");
    assertThat(SearchingStatements.Rewrite.of("insert into t (email, name) values (?, ?)", COLUMNS, 2)).isNull();
    assertThat(SearchingStatements.Rewrite.of("update t set email=?", COLUMNS, 2)).isNull();
  }

  @Test
  void otherComparisonsLiteralsAndOtherColumns_areLeftAlone() {
    assertThat(SearchingStatements.Rewrite.of("select 1 from t where email<>? or email!=? or email>=?", COLUMNS, 2))
        .isNull();
    assertThat(SearchingStatements.Rewrite.of("select 1 from t where note='email=?' and x_email=?", COLUMNS, 2))
        .isNull();
    SearchingStatements.Rewrite rw = SearchingStatements.Rewrite.of(
        "select 1 from t where note='a?b' and email=?", COLUMNS, 2);
    assertThat(rw.sql).isEqualTo("select 1 from t where note='a?b' and email in (?,?)");
    assertThat(rw.start[1]).isEqualTo(1);
  }
}
