package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.ValueCodecs;

/** The {@link FieldSpec} of a discovered attribute, for the JDBC wrapper and the rewrapper. */
public final class AttributeSpecs {

  private AttributeSpecs() {}

  /** The spec the vault uses for the attribute (with its blind index), else one rebuilt from the model. */
  public static FieldSpec<?> of(dev.fieldvault.hibernate.HibernateVault vault, EncryptedAttribute a) {
    if (vault instanceof VaultRuntime) {
      FieldSpec<?> spec = ((VaultRuntime) vault).spec(a);
      if (spec != null) {
        return spec;
      }
    }
    return of(a);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static FieldSpec<?> of(EncryptedAttribute a) {
    FieldSpec.Builder spec = FieldSpec.builder(a.context().domain(), a.context().field(),
        ValueCodecs.forType((Class) a.javaType())).mode(a.mode()).rowBound(a.rowBound());
    if (a.compressAbove() >= 0) {
      spec.compressAbove(a.compressAbove());
    }
    return spec.build();
  }
}
