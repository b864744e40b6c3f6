package dev.fieldvault.hibernate.internal;

import jakarta.persistence.AttributeConverter;
import org.hibernate.type.descriptor.converter.spi.BasicValueConverter;
import org.hibernate.type.descriptor.java.JavaType;
import org.hibernate.type.descriptor.java.ObjectJavaType;
import org.hibernate.type.descriptor.java.PrimitiveByteArrayJavaType;
import org.hibernate.type.descriptor.java.StringJavaType;

/**
 * The value converter of an {@link EncryptedType}: plaintext (domain) to ciphertext (relational) and
 * back. Hibernate binds and extracts the relational value with its standard JDBC binders, so its
 * bind/extract TRACE logging shows only ciphertext.
 *
 * <p>It is both a JPA {@link AttributeConverter} (what Hibernate 7 asks a user type for) and a
 * {@link BasicValueConverter} (what Hibernate 6.6 asks for); Hibernate 7 reads the relational type
 * from the type arguments of the concrete subclass.
 */
abstract class StorageConverter<R> implements AttributeConverter<Object, R>, BasicValueConverter<Object, R> {

  final EncryptedType type;

  StorageConverter(EncryptedType type) {
    this.type = type;
  }

  @Override
  @SuppressWarnings("unchecked")
  public R toRelationalValue(Object domain) {
    return (R) type.toStored(domain);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object toDomainValue(R relational) {
    return type.fromStored(relational);
  }

  @Override
  public R convertToDatabaseColumn(Object attribute) {
    return toRelationalValue(attribute);
  }

  @Override
  public Object convertToEntityAttribute(R dbData) {
    return toDomainValue(dbData);
  }

  @Override
  public JavaType<Object> getDomainJavaType() {
    return ObjectJavaType.INSTANCE;
  }

  /** Ciphertext bytes in a binary column. */
  static final class Binary extends StorageConverter<byte[]> {
    Binary(EncryptedType type) {
      super(type);
    }

    @Override
    public JavaType<byte[]> getRelationalJavaType() {
      return PrimitiveByteArrayJavaType.INSTANCE;
    }
  }

  /** Base64 of the ciphertext in a text column. */
  static final class Text extends StorageConverter<String> {
    Text(EncryptedType type) {
      super(type);
    }

    @Override
    public JavaType<String> getRelationalJavaType() {
      return StringJavaType.INSTANCE;
    }
  }
}
