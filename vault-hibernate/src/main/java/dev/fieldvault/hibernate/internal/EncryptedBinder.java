package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.Encrypted;
import java.util.Properties;
import org.hibernate.binder.AttributeBinder;
import org.hibernate.boot.registry.classloading.spi.ClassLoaderService;
import org.hibernate.boot.spi.MetadataBuildingContext;
import org.hibernate.mapping.BasicValue;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Selectable;

/**
 * Named by {@link Encrypted}'s {@code @AttributeBinderType}: Hibernate (6.6, 7.2 and 7.4 alike) hands
 * it every attribute carrying the annotation, mapped by annotations or in {@code orm.xml}, with the
 * attribute's boot model. Not for direct use.
 *
 * <p>Binders run in a second pass, before Hibernate resolves the attribute's {@code BasicValue} (which
 * it does last). The binder marks the property ({@link BootMarks}), widens the column to fit the
 * ciphertext, and names {@link EncryptedType} as the value's type with a {@link BootAttribute} as its
 * parameter: Hibernate then builds the type while resolving the value, and hands it that parameter
 * through the plain {@code ParameterizedType} contract. Anything that is not a basic attribute
 * (an id, a collection, an embedded or associated value) is only marked: the integrator refuses it with
 * a message naming the attribute, and so it does for a marked value whose type is not FieldVault's.
 */
public final class EncryptedBinder implements AttributeBinder<Encrypted> {

  @Override
  public void bind(Encrypted annotation, MetadataBuildingContext context, PersistentClass entity, Property property) {
    BootMarks.markEncrypted(property);
    if (entity == null || !(property.getValue() instanceof BasicValue) || property == entity.getIdentifierProperty()) {
      // refused by the integrator, naming the attribute (no entity: an element of an @ElementCollection)
      return;
    }
    BasicValue value = (BasicValue) property.getValue();
    Properties parameters = value.getTypeParameters();
    if (parameters != null && parameters.get(BootAttribute.PARAMETER) != null) {
      return; // configured already
    }
    ClassLoaderService classes = context.getBootstrapContext().getServiceRegistry().getService(ClassLoaderService.class);
    String typeName = property.getReturnedClassName();
    Class<?> javaType = BootAttribute.load(typeName, classes);
    Column column = column(value);
    Long declared = column == null ? null : column.getLength();
    long declaredLength = declared == null ? Sizes.DEFAULT_LENGTH : declared;
    if (column != null && javaType != null) {
      column.setLength(Sizes.columnLength(EncryptedType.boxed(javaType), declaredLength, annotation.storage()));
    }
    Properties all = new Properties();
    if (parameters != null) {
      all.putAll(parameters);
    }
    all.put(BootAttribute.PARAMETER, new BootAttribute(annotation, entity, property.getName(), typeName, javaType,
        value.getEnumerationStyle(), declaredLength));
    value.setTypeParameters(all);
    value.setExplicitTypeName(EncryptedType.class.getName());
  }

  private static Column column(BasicValue value) {
    Column column = null;
    for (Selectable s : value.getSelectables()) {
      if (s instanceof Column) {
        column = (Column) s;
      }
    }
    return column;
  }
}
