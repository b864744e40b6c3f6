package dev.fieldvault.jdbc.internal;

import java.sql.ParameterMetaData;
import java.sql.SQLException;

/** The driver's parameter metadata of an expanded search statement, by the application's parameter indexes. */
final class RemappedParameterMetaData implements ParameterMetaData {

  private final ParameterMetaData delegate;
  private final SearchExpansion.Expanded expanded;

  RemappedParameterMetaData(ParameterMetaData delegate, SearchExpansion.Expanded expanded) {
    this.delegate = delegate;
    this.expanded = expanded;
  }

  @Override
  public int getParameterCount() throws SQLException {
    return expanded.applicationCount(delegate.getParameterCount());
  }

  @Override
  public int isNullable(int param) throws SQLException {
    return delegate.isNullable(expanded.first(param));
  }

  @Override
  public boolean isSigned(int param) throws SQLException {
    return delegate.isSigned(expanded.first(param));
  }

  @Override
  public int getPrecision(int param) throws SQLException {
    return delegate.getPrecision(expanded.first(param));
  }

  @Override
  public int getScale(int param) throws SQLException {
    return delegate.getScale(expanded.first(param));
  }

  @Override
  public int getParameterType(int param) throws SQLException {
    return delegate.getParameterType(expanded.first(param));
  }

  @Override
  public String getParameterTypeName(int param) throws SQLException {
    return delegate.getParameterTypeName(expanded.first(param));
  }

  @Override
  public String getParameterClassName(int param) throws SQLException {
    return delegate.getParameterClassName(expanded.first(param));
  }

  @Override
  public int getParameterMode(int param) throws SQLException {
    return delegate.getParameterMode(expanded.first(param));
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(delegate) ? iface.cast(delegate) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
  }
}
