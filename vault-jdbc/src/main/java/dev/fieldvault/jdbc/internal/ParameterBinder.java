package dev.fieldvault.jdbc.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** One parameter setter call, kept so that it can be made on another statement or at another index. */
@FunctionalInterface
interface ParameterBinder {

  void bind(PreparedStatement statement, int parameterIndex) throws SQLException;
}
