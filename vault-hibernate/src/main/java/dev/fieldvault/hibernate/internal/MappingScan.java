package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.boot.Metadata;
import org.hibernate.mapping.BasicValue;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.Component;
import org.hibernate.mapping.Join;
import org.hibernate.mapping.KeyValue;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Selectable;
import org.hibernate.mapping.Table;
import org.hibernate.mapping.Value;
import org.hibernate.type.BasicType;
import org.hibernate.type.CustomType;


/**
 * Finds the {@link Encrypted} attributes and their {@link BlindIndex} companions in Hibernate's boot
 * model ({@code Metadata}, {@code PersistentClass}, {@code Property}, and the marks of
 * {@link BootMarks}); never in the entity classes, so mappings given in {@code orm.xml} are found the
 * same way. Part of {@link FieldVaultIntegrator}.
 */
final class MappingScan {

  private MappingScan() {}

  /** One {@code @Encrypted} basic value found in the boot model. */
  static final class Found {
    final PersistentClass entity;
    final String path;
    final BasicValue value;
    final EncryptedType type;
    final boolean inEmbeddable;
    final boolean naturalId;

    Found(PersistentClass entity, String path, BasicValue value, EncryptedType type, boolean inEmbeddable,
        boolean naturalId) {
      this.entity = entity;
      this.path = path;
      this.value = value;
      this.type = type;
      this.inEmbeddable = inEmbeddable;
      this.naturalId = naturalId;
    }

    String name() {
      return entityName(entity) + "." + path;
    }
  }

  static void collect(PersistentClass pc, Property p, String prefix, boolean inEmbeddable, boolean naturalId,
      List<Found> out) {
    Value v = p.getValue();
    if (v instanceof Component) {
      for (Property sub : ((Component) v).getProperties()) {
        collect(pc, sub, prefix + p.getName() + ".", true, naturalId || sub.isNaturalIdentifier(), out);
      }
      return;
    }
    EncryptedType t = typeOf(v);
    if (t != null) {
      out.add(new Found(pc, prefix + p.getName(), (BasicValue) v, t, inEmbeddable, naturalId));
    }
  }

  /**
   * "" if the value is @Encrypted, the path of an @Encrypted attribute (with FieldVault's type, or marked
   * by its binder) if it is an embeddable holding one, else null.
   */
  static String encryptedPart(Value v, String path) {
    if (v instanceof Component) {
      for (Property p : ((Component) v).getProperties()) {
        String sub = path.isEmpty() ? p.getName() : path + "." + p.getName();
        String inner = BootMarks.isEncrypted(p) ? sub : encryptedPart(p.getValue(), sub);
        if (inner != null) {
          return inner;
        }
      }
      return null;
    }
    return typeOf(v) != null ? path : null;
  }

  static EncryptedType typeOf(Value v) {
    if (!(v instanceof BasicValue)) {
      return null;
    }
    BasicValue bv = (BasicValue) v;
    BasicValue.Resolution<?> r = bv.resolve();
    BasicType<?> t = r == null ? null : r.getLegacyResolvedBasicType();
    if (t instanceof CustomType && ((CustomType<?>) t).getUserType() instanceof EncryptedType) {
      return (EncryptedType) ((CustomType<?>) t).getUserType();
    }
    return null;
  }

  /** A {@link BlindIndex} companion attribute. */
  static final class Companion {
    final String property;
    final BasicValue value;
    final BootMarks.BlindIndexMark annotation;

    Companion(String property, BasicValue value, BootMarks.BlindIndexMark annotation) {
      this.property = property;
      this.value = value;
      this.annotation = annotation;
    }
  }

  /**
   * The blind-index companions of the found attributes, keyed by "Entity.attribute" of the source: the
   * properties {@link BlindIndexBinder} marked in the boot model (so also those of entities mapped in
   * {@code orm.xml}), each checked against the attribute it indexes.
   */
  static Map<String, Companion> companions(Metadata metadata, List<Found> found) {
    Map<String, Companion> out = new HashMap<>();
    for (PersistentClass pc : metadata.getEntityBindings()) {
      for (Property p : pc.getProperties()) {
        refuseNestedBlindIndexes(pc, p, "");
        BootMarks.BlindIndexMark bi = BootMarks.blindIndex(p);
        if (bi == null) {
          continue;
        }
        String name = entityName(pc) + "." + p.getName();
        Found source = null;
        for (Found f : found) {
          if (f.entity == pc && f.path.equals(bi.of()) && !f.inEmbeddable) {
            source = f;
          }
        }
        if (source == null) {
          throw new VaultConfigurationException("@BlindIndex attribute " + name + " indexes '" + bi.of()
              + "', which is not an @Encrypted attribute of " + entityName(pc) + ": name an encrypted attribute"
              + " of the same entity (not of an embeddable)");
        }
        if (!(p.getValue() instanceof BasicValue) || typeOf(p.getValue()) != null
            || p.getValue().getType().getReturnedClass() != byte[].class) {
          throw new VaultConfigurationException("@BlindIndex attribute " + name + " must be a plain byte[]"
              + " attribute (not @Encrypted): it stores the index bytes");
        }
        if (pc.useDynamicUpdate()) {
          throw new VaultConfigurationException("@BlindIndex attribute " + name + " is in an entity with"
              + " @DynamicUpdate, which would not write the index when only " + bi.of() + " changes: remove"
              + " @DynamicUpdate from " + entityName(pc));
        }
        if (bi.normalization() == BlindIndex.Normalization.CASE_INSENSITIVE && source.type.javaType() != String.class) {
          throw new VaultConfigurationException("@BlindIndex attribute " + name + " is CASE_INSENSITIVE but "
              + source.name() + " is not a String: use EXACT");
        }
        out.put(source.name(), new Companion(p.getName(), (BasicValue) p.getValue(), bi));
      }
    }
    return out;
  }

  /** A blind index inside an embeddable would never be filled: refused. */
  private static void refuseNestedBlindIndexes(PersistentClass pc, Property p, String prefix) {
    if (!(p.getValue() instanceof Component)) {
      return;
    }
    for (Property sub : ((Component) p.getValue()).getProperties()) {
      String path = prefix + p.getName() + "." + sub.getName();
      if (BootMarks.blindIndex(sub) != null) {
        throw new VaultConfigurationException("@BlindIndex attribute " + entityName(pc) + "." + path + " is inside"
            + " an embeddable, where FieldVault does not fill it: put the blind index (and the attribute it indexes)"
            + " on the entity itself");
      }
      refuseNestedBlindIndexes(pc, sub, prefix + p.getName() + ".");
    }
  }

  /**
   * The key columns of the table that holds a value of an entity, in the mapping's order, from the boot
   * model: the entity's (or a superclass's) own table by its key ({@code PersistentClass.getKey()}: the
   * root's id columns, a JOINED subclass's {@code @PrimaryKeyJoinColumn}s), a secondary table by its
   * join's key ({@code @SecondaryTable(pkJoinColumns = ...)}). Each holds the entity's id, whatever the
   * columns' names. The id columns when the table is none of these (or unknown); empty without an id.
   */
  static List<Column> keyColumns(PersistentClass entity, Table table) {
    if (table != null) {
      for (PersistentClass pc = entity; pc != null; pc = pc.getSuperclass()) {
        if (pc.getTable() == table) {
          return columns(pc.getKey());
        }
        for (Join join : pc.getJoins()) {
          if (join.getTable() == table) {
            return columns(join.getKey());
          }
        }
      }
    }
    return columns(entity.getIdentifier());
  }

  private static List<Column> columns(KeyValue key) {
    List<Column> out = new ArrayList<>();
    if (key != null) {
      for (Selectable s : key.getSelectables()) {
        if (s instanceof Column) {
          out.add((Column) s);
        }
      }
    }
    return out;
  }

  static String entityName(PersistentClass pc) {
    String jpa = pc.getJpaEntityName();
    if (jpa != null && !jpa.isEmpty()) {
      return jpa;
    }
    String n = pc.getEntityName();
    return n.substring(n.lastIndexOf('.') + 1);
  }
}
