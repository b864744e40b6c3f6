package dev.fieldvault.hibernate.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A prepared statement whose equality predicates on deterministic columns can match several
 * ciphertexts of one value (one per readable key), so that queries keep finding rows during a key
 * rotation. Implemented by {@link SearchingStatements}.
 */
interface SearchExpansion {

  /** Whether the parameter at this (Hibernate-side) index compares a deterministic column. */
  boolean isSearchSlot(int index);

  /** Binds every stored form of the searched value to the slot. */
  void bindSearch(int index, Object[] stored, int sqlType) throws SQLException;

  static SearchExpansion of(PreparedStatement st) throws SQLException {
    return st.isWrapperFor(SearchExpansion.class) ? st.unwrap(SearchExpansion.class) : null;
  }
}
