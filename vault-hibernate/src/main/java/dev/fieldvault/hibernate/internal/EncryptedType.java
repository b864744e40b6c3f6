package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.hibernate.UnsupportedEncryptedUseException;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.ValueCodecs;
import dev.fieldvault.keys.VaultConfigurationException;
import jakarta.persistence.EnumType;
import java.io.Serializable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Objects;
import java.util.Properties;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.type.descriptor.WrapperOptions;
import org.hibernate.type.descriptor.jdbc.JdbcType;
import org.hibernate.usertype.LoggableUserType;
import org.hibernate.usertype.ParameterizedType;
import org.hibernate.usertype.UserType;

/**
 * The Hibernate type behind {@link Encrypted}: the domain value is the attribute's Java type, the JDBC
 * value a ciphertext (bytes or base64 text). Not for direct use.
 *
 * <p>Non-row-bound values are encrypted when bound and decrypted when read, so they also work as query
 * parameters. Row-bound values need their row id, which a type never sees: {@link VaultEventListener}
 * encrypts them in the state array before the write (as {@link Sealed}) and decrypts them before the
 * entity is filled. A row-bound type has no value converter either, so that its {@code nullSafeGet}
 * sees the session: read through a {@code StatelessSession} (which fires no load events) it fails with
 * an {@code UnsupportedEncryptedUseException} instead of handing Hibernate a {@link Sealed}.
 *
 * <p>Attributes of an entity with a {@code @TenantId} are bound to the session's tenant, which a value
 * converter never sees: such a type has no value converter, so Hibernate (6.6 and 7) calls its
 * session variants of {@code nullSafeGet}/{@code nullSafeSet}. Entity writes and loads go through
 * {@link VaultEventListener} (as {@link Sealed}, like row-bound values); a query parameter is
 * encrypted in {@code nullSafeSet} with the session's tenant (see {@link Tenants}).
 *
 * <p>Configured without {@code DynamicParameterizedType} (deprecated for removal in Hibernate 7):
 * {@link EncryptedBinder} names this type for the attribute's value in Hibernate's boot model, with a
 * {@link BootAttribute} as its parameter, and Hibernate builds it while resolving the value, passing
 * that parameter through the plain {@code ParameterizedType} contract (the same on 6.6, 7.2 and 7.4).
 *
 * <p>Compiled against Hibernate 7 and run on 6.6 too: the {@code WrapperOptions} variants of
 * {@code nullSafeGet}/{@code nullSafeSet} are the ones Hibernate 7 calls, the session variants the
 * ones 6.6 calls (and both call for tenant-bound types).
 */
public final class EncryptedType
    implements UserType<Object>, ParameterizedType, LoggableUserType, ConverterOn66 {

  /** {@code Entity.attribute}, for messages. */
  private String description = "?";
  /** The plaintext length the column declared, before {@link EncryptedBinder} widened it. */
  private long declaredLength = Sizes.DEFAULT_LENGTH;
  private Encrypted annotation;
  private Class<?> javaType = Object.class;
  /** Whether values are byte arrays (the only mutable type): every other value is its own copy. */
  private boolean mutable;
  private volatile AttributeBinding binding;
  private volatile StorageConverter<?> converter;
  /** Whether the owning entity has a {@code @TenantId} (values bound to the session's tenant). */
  private boolean tenantBound;

  /**
   * Called by Hibernate when it resolves the attribute's value (after every attribute binder ran), with
   * the {@link BootAttribute} that {@link EncryptedBinder} put in the value's type parameters.
   */
  @Override
  public void setParameterValues(Properties parameters) {
    Object configured = parameters == null ? null : parameters.get(BootAttribute.PARAMETER);
    if (!(configured instanceof BootAttribute)) {
      throw new VaultConfigurationException("FieldVault's type " + EncryptedType.class.getName() + " is configured"
          + " by the @Encrypted annotation only: annotate the attribute with @" + Encrypted.class.getName()
          + " instead of naming this type in @Type, a type definition or a mapping file");
    }
    // what the type needs is copied: the boot model (BootAttribute's entity) is not kept past the start-up
    BootAttribute boot = (BootAttribute) configured;
    description = boot.describe();
    declaredLength = boot.declaredLength;
    annotation = boot.annotation;
    tenantBound = boot.tenantBound();
    Class<?> type = boot.javaType;
    if (type == null || !ValueCodecs.supports(type)) {
      throw new VaultConfigurationException("@Encrypted attribute " + describe() + " has type "
          + (type == null ? boot.javaTypeName : type.getName())
          + ", which FieldVault cannot encrypt: supported are String, byte[], boolean, byte, short, int, long,"
          + " float, double (and wrappers), BigInteger, BigDecimal, LocalDate, LocalTime, LocalDateTime,"
          + " Instant, OffsetDateTime, UUID and enums; change the attribute's type or remove @Encrypted");
    }
    javaType = boxed(type);
    mutable = javaType == byte[].class;
    refuseOrdinal(boot.enumerated, type);
  }

  /**
   * An {@code @Encrypted} enum is stored by the constant's name (inside the ciphertext), so reordering
   * constants never changes a stored value; {@code @Enumerated(ORDINAL)} (JPA's default for a bare
   * {@code @Enumerated}, in an annotation or {@code orm.xml}) would be silently ignored, so it fails the
   * start-up instead.
   */
  private void refuseOrdinal(EnumType enumerated, Class<?> type) {
    if (enumerated == EnumType.ORDINAL && type.isEnum()) {
      throw new VaultConfigurationException("@Encrypted attribute " + describe() + " is @Enumerated(ORDINAL)"
          + " (the default of a bare @Enumerated), but FieldVault stores an encrypted enum by its constant's"
          + " name inside the ciphertext and cannot honour ORDINAL: use @Enumerated(EnumType.STRING) or remove"
          + " @Enumerated");
    }
  }

  String describe() {
    return description;
  }

  Encrypted annotation() {
    return annotation;
  }

  Class<?> javaType() {
    return javaType;
  }

  boolean tenantBound() {
    return tenantBound;
  }

  ColumnStorage storage() {
    return annotation == null ? ColumnStorage.BINARY : annotation.storage();
  }

  void bind(AttributeBinding binding) {
    this.binding = binding;
  }

  AttributeBinding binding() {
    AttributeBinding b = binding;
    if (b == null) {
      throw new VaultConfigurationException("@Encrypted attribute " + describe() + " is used before FieldVault's"
          + " integrator configured it: build the session factory with vault-hibernate on the class path"
          + " (META-INF/services/org.hibernate.integrator.spi.Integrator)");
    }
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // JDBC

  @Override
  public int getSqlType() {
    return storage() == ColumnStorage.TEXT ? Types.VARCHAR : Types.VARBINARY;
  }

  @Override
  public long getDefaultSqlLength(Dialect dialect, JdbcType jdbcType) {
    return getDefaultSqlLength();
  }

  /** Hibernate 7's variant of the above. */
  public long getDefaultSqlLength() {
    return Sizes.columnLength(javaType, declaredLength, storage());
  }

  @Override
  public Class<Object> returnedClass() {
    @SuppressWarnings("unchecked")
    Class<Object> c = (Class<Object>) javaType;
    return c;
  }

  /** Hibernate 7. */
  public Object nullSafeGet(ResultSet rs, int position, WrapperOptions options) throws SQLException {
    return read(rs, position, options.getSession());
  }

  /** Hibernate 6.6. */
  @Override
  public Object nullSafeGet(ResultSet rs, int position, SharedSessionContractImplementor session, Object owner)
      throws SQLException {
    return read(rs, position, session);
  }

  /** Hibernate 7. */
  public void nullSafeSet(PreparedStatement st, Object value, int index, WrapperOptions options) throws SQLException {
    write(st, value, index, options.getSession());
  }

  /** Hibernate 6.6. */
  @Override
  public void nullSafeSet(PreparedStatement st, Object value, int index, SharedSessionContractImplementor session)
      throws SQLException {
    write(st, value, index, session);
  }

  private Object read(ResultSet rs, int position, SharedSessionContractImplementor session) throws SQLException {
    Object stored = storage() == ColumnStorage.TEXT ? rs.getString(position) : rs.getBytes(position);
    if (stored != null && (rowBound() || tenantBound) && (session == null || !session.isEventSource())) {
      // only a stateful session's load events decrypt these (a StatelessSession fires none)
      EncryptedAttribute a = binding().model;
      throw new UnsupportedEncryptedUseException(a, (rowBound() ? "Row-bound" : "Tenant-bound") + " attribute "
          + a.entityName() + "." + a.attributePath() + " cannot be read through a StatelessSession: its ciphertext"
          + " is bound to its row's id" + (rowBound() ? "" : " or tenant") + ", which FieldVault applies only in a"
          + " Session's load events. Read the entity with a Session (session.find(" + a.entityName() + ".class, id)"
          + " or a query selecting the entity)" + (rowBound() ? ", or drop rowBound" : ""));
    }
    return fromStored(stored);
  }

  private boolean rowBound() {
    return annotation != null && annotation.rowBound();
  }

  private void write(PreparedStatement st, Object value, int index, SharedSessionContractImplementor session)
      throws SQLException {
    String tenant = tenantBound && value != null && !(value instanceof Sealed)
        ? Tenants.of(session, binding().model) : null;
    Object stored = toStored(value, tenant);
    if (stored == null) {
      st.setNull(index, getSqlType());
    } else {
      setStored(st, index, stored);
    }
  }

  /** The column value (ciphertext bytes or base64) of a domain value that is not tenant-bound. */
  Object toStored(Object value) {
    return toStored(value, null);
  }

  /** The column value of a domain value for a tenant (null: none; required when tenant-bound). */
  private Object toStored(Object value, String tenant) {
    if (value == null) {
      return null;
    }
    AttributeBinding b = binding();
    if (value instanceof Sealed) {
      return ((Sealed) value).stored;
    }
    if (b.model.rowBound()) {
      throw new VaultConfigurationException("Row-bound attribute " + b.model.entityName() + "."
          + b.model.attributePath() + " cannot be written or compared without its row id: it is written only"
          + " through a stateful session's entity flush (not a StatelessSession, a bulk update or a query"
          + " parameter); search randomized attributes through a deterministic attribute instead");
    }
    if (tenantBound && tenant == null) {
      throw new IllegalStateException("Tenant-bound attribute " + describe() + " reached a value converter"
          + " without its session");
    }
    return b.encrypt(value, tenant, null);
  }

  /** The domain value of a column value: decrypted, or {@link Sealed} for row-bound attributes. */
  Object fromStored(Object stored) {
    if (stored == null) {
      return null;
    }
    AttributeBinding b = binding();
    Class<?> relational = storage() == ColumnStorage.TEXT ? String.class : byte[].class;
    if (!relational.isInstance(stored)) {
      // never a column value (the driver returns bytes or text): Hibernate 6.6 hands a wrongly typed element of a
      // parameter list ('in :list') to the converter as if it were one. Refused before anything is bound.
      throw wronglyTyped(b.model, stored.getClass());
    }
    if (b.model.rowBound() || tenantBound) {
      return new Sealed(stored, null); // decrypted by VaultEventListener with the row's id and tenant
    }
    boolean[] plaintext = new boolean[1];
    Object value = b.decrypt(stored, null, null, plaintext);
    if (plaintext[0]) {
      MigrationTracker.record(b, value, stored);
    }
    return value;
  }

  /** A query parameter value of another type than the attribute's (its type is named, never its value). */
  private UnsupportedEncryptedUseException wronglyTyped(EncryptedAttribute a, Class<?> given) {
    return new UnsupportedEncryptedUseException(a, "A query binds a value of type " + given.getName() + " for"
        + " @Encrypted attribute " + a.entityName() + "." + a.attributePath() + ", whose type is " + javaType.getName()
        + " (on Hibernate 6.6, an element of a parameter list such as 'in :list' is not checked by Hibernate):"
        + " FieldVault can encrypt only values of the attribute's type. Bind values of type "
        + javaType.getSimpleName() + " (convert them in the application first)");
  }

  /**
   * Hibernate 7 (a JPA AttributeConverter) and 6.6 (a BasicValueConverter): one object is both, and
   * the class file has a bridge method for each signature (see {@link ConverterOn66}).
   */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public StorageConverter getValueConverter() {
    if (tenantBound || rowBound()) {
      // Hibernate then calls nullSafeSet/nullSafeGet with the session: its tenant; whether it is stateful
      return null;
    }
    StorageConverter<?> c = converter;
    if (c == null) {
      c = storage() == ColumnStorage.TEXT ? new StorageConverter.Text(this) : new StorageConverter.Binary(this);
      converter = c;
    }
    return c;
  }

  @Override
  public String toLoggableString(Object value, SessionFactoryImplementor factory) {
    return value == null ? "null" : "<encrypted>";
  }

  private static void setStored(PreparedStatement st, int index, Object stored) throws SQLException {
    if (stored instanceof String) {
      st.setString(index, (String) stored);
    } else {
      st.setBytes(index, (byte[]) stored);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Value semantics

  @Override
  public boolean equals(Object x, Object y) {
    return Objects.deepEquals(x, y);
  }

  @Override
  public int hashCode(Object x) {
    return x instanceof byte[] ? Arrays.hashCode((byte[]) x) : Objects.hashCode(x);
  }

  /** Hibernate copies every loaded value for its snapshot: only byte arrays are copied (a field check first). */
  @Override
  public Object deepCopy(Object value) {
    return mutable && value instanceof byte[] ? ((byte[]) value).clone() : value;
  }

  @Override
  public boolean isMutable() {
    return mutable;
  }

  /**
   * The second-level (and query) cache form: the value encrypted for the attribute's cache context
   * (never the plaintext, so a shared or serializing cache holds ciphertext only).
   */
  @Override
  public Serializable disassemble(Object value) {
    if (value == null) {
      return null;
    }
    Object plaintext = value;
    if (value instanceof Sealed) {
      plaintext = ((Sealed) value).plaintext;
      if (plaintext == null) {
        throw new IllegalStateException("Row-bound attribute " + describe() + " reached the cache before it was"
            + " decrypted; load the entity to cache it");
      }
    }
    return binding().toCache(plaintext);
  }

  /** Decrypts a cache entry written by {@link #disassemble}; fails with {@code AttributeDecryptionException}. */
  @Override
  public Object assemble(Serializable cached, Object owner) {
    return cached == null ? null : binding().fromCache(cached);
  }

  static Class<?> boxed(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == int.class) {
      return Integer.class;
    }
    if (type == long.class) {
      return Long.class;
    }
    if (type == boolean.class) {
      return Boolean.class;
    }
    if (type == double.class) {
      return Double.class;
    }
    if (type == float.class) {
      return Float.class;
    }
    if (type == short.class) {
      return Short.class;
    }
    if (type == byte.class) {
      return Byte.class;
    }
    return type;
  }

  @Override
  public String toString() {
    return "EncryptedType{" + describe() + "}";
  }
}
