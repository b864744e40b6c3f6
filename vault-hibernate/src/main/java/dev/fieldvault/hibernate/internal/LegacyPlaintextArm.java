package dev.fieldvault.hibernate.internal;

import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.mapping.JdbcMappingContainer;
import org.hibernate.sql.ast.SqlAstTranslator;
import org.hibernate.sql.ast.spi.SqlAppender;
import org.hibernate.sql.ast.tree.expression.SelfRenderingExpression;

/**
 * The placeholder of a searched value's legacy plaintext form ({@link KeySlotParameter#legacyPlaintext})
 * in a search widened by {@link RotationSearch} while plaintext is migrated, compared exactly like the
 * stored ciphertexts. On MariaDB, whose usual collations ignore case and trailing spaces, a TEXT
 * attribute's placeholder is rendered {@code convert(? using utf8mb4) collate utf8mb4_nopad_bin}: so
 * {@code 'alice'} does not find a legacy {@code 'Alice'} (nor {@code 'Alice '}), as it would not once
 * that row is migrated. MariaDB then compares the whole {@code in} list with that collation (the
 * ciphertexts too, which are compared exactly anyway) and still uses an index on the column. On other
 * databases, and for BINARY storage, it is the plain placeholder.
 */
final class LegacyPlaintextArm implements SelfRenderingExpression {

  private final KeySlotParameter parameter;
  private final boolean text;

  LegacyPlaintextArm(KeySlotParameter parameter, AttributeBinding binding) {
    this.parameter = parameter;
    this.text = binding.text();
  }

  @Override
  public JdbcMappingContainer getExpressionType() {
    return parameter.getExpressionType();
  }

  @Override
  public void renderToSql(SqlAppender sql, SqlAstTranslator<?> translator, SessionFactoryImplementor factory) {
    boolean exact = text && isMariaDb(factory.getJdbcServices().getDialect());
    if (exact) {
      sql.appendSql("convert(");
    }
    parameter.accept(translator);
    if (exact) {
      sql.appendSql(" using utf8mb4) collate utf8mb4_nopad_bin");
    }
  }

  private static boolean isMariaDb(Dialect dialect) {
    return dialect instanceof MariaDBDialect;
  }
}
