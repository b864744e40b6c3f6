package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.BlindIndex;
import org.hibernate.binder.AttributeBinder;
import org.hibernate.boot.spi.MetadataBuildingContext;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;

/**
 * Named by {@link BlindIndex}'s {@code @AttributeBinderType}: Hibernate hands it every attribute that
 * carries the annotation, whether the entity is mapped by annotations or in {@code orm.xml}. It only
 * records the annotation in the boot model ({@link BootMarks}); the integrator checks and binds the
 * companion. Not for direct use.
 */
public final class BlindIndexBinder implements AttributeBinder<BlindIndex> {

  @Override
  public void bind(BlindIndex annotation, MetadataBuildingContext context, PersistentClass entity, Property property) {
    BootMarks.markBlindIndex(property, annotation);
  }
}
