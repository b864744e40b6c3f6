package dev.fieldvault.hibernate.internal;

import org.hibernate.type.descriptor.converter.spi.BasicValueConverter;

/**
 * Hibernate 6.6's signature of {@code UserType.getValueConverter()} (7 returns a JPA
 * {@code AttributeConverter}). {@link EncryptedType} implements it so that the compiler emits a bridge
 * method for each line's signature: without it the jar, compiled against 7, would on 6.6 inherit the
 * interface's default (no converter), and Hibernate's bind logging would see plaintext.
 */
interface ConverterOn66 {
  BasicValueConverter<Object, Object> getValueConverter();
}
