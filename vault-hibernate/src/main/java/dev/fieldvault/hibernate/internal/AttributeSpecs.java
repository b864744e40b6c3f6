package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.ValueCodecs;

/** The {@link FieldSpec} of a discovered attribute, for the JDBC wrapper and the rewrapper. */
public final class AttributeSpecs {

  private AttributeSpecs() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static FieldSpec<?> of(EncryptedAttribute a) {
    FieldSpec.Builder spec = FieldSpec.builder(a.context().domain(), a.context().field(),
        ValueCodecs.forType((Class) a.javaType())).mode(a.mode()).rowBound(a.rowBound());
    if (a.compressAbove() >= 0) {
      spec.compressAbove(a.compressAbove());
    }
    return spec.build();
  }
}
