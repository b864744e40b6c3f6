package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.mapping.MetaAttribute;
import org.hibernate.mapping.Property;

/**
 * FieldVault's marks on Hibernate's boot model: {@link EncryptedBinder} and {@link BlindIndexBinder}
 * record on each {@code Property} that it carries {@link Encrypted} or {@link BlindIndex}, as meta
 * attributes (the boot model's place for tool metadata, present on 6.6, 7.2 and 7.4). The integrator
 * reads them instead of the entity classes, so a mapping given in {@code orm.xml} is seen the same way.
 */
final class BootMarks {

  private BootMarks() {}

  private static final String ENCRYPTED = "fieldvault.encrypted";
  private static final String BLIND_INDEX_OF = "fieldvault.blind-index.of";
  private static final String BLIND_INDEX_LENGTH = "fieldvault.blind-index.length";
  private static final String BLIND_INDEX_NORMALIZATION = "fieldvault.blind-index.normalization";

  /** A {@link BlindIndex} as recorded in the boot model. */
  record BlindIndexMark(String of, int length, BlindIndex.Normalization normalization) {}

  static void markEncrypted(Property property) {
    put(property, ENCRYPTED, "true");
  }

  /** Whether Hibernate handed an {@link Encrypted} annotation of this property to FieldVault's binder. */
  static boolean isEncrypted(Property property) {
    return get(property, ENCRYPTED) != null;
  }

  static void markBlindIndex(Property property, BlindIndex index) {
    put(property, BLIND_INDEX_OF, index.of());
    put(property, BLIND_INDEX_LENGTH, Integer.toString(index.length()));
    put(property, BLIND_INDEX_NORMALIZATION, index.normalization().name());
  }

  /** The {@link BlindIndex} of this property, or null. */
  static BlindIndexMark blindIndex(Property property) {
    String of = get(property, BLIND_INDEX_OF);
    if (of == null) {
      return null;
    }
    return new BlindIndexMark(of, Integer.parseInt(get(property, BLIND_INDEX_LENGTH)),
        BlindIndex.Normalization.valueOf(get(property, BLIND_INDEX_NORMALIZATION)));
  }

  private static void put(Property property, String name, String value) {
    Map<String, MetaAttribute> existing = property.getMetaAttributes();
    Map<String, MetaAttribute> all = existing == null ? new HashMap<>() : new HashMap<>(existing);
    MetaAttribute attribute = new MetaAttribute(name);
    attribute.addValue(value);
    all.put(name, attribute);
    property.setMetaAttributes(all);
  }

  private static String get(Property property, String name) {
    MetaAttribute attribute = property.getMetaAttribute(name);
    return attribute == null ? null : attribute.getValue();
  }
}
