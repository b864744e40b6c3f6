package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.EnumType;
import java.lang.reflect.Array;
import java.util.Map;
import org.hibernate.boot.registry.classloading.spi.ClassLoaderService;
import org.hibernate.mapping.PersistentClass;

/**
 * What {@link EncryptedBinder} learned about one {@link Encrypted} basic value from Hibernate's boot
 * model: the annotation, the entity, the attribute, its Java type (as Hibernate determined it), its
 * {@code @Enumerated} style and its declared length. Handed to {@link EncryptedType} as its type
 * parameter {@link #PARAMETER} when Hibernate resolves the value, which happens after every attribute
 * binder has run: so {@link #tenantBound()} sees the entity's {@code @TenantId} whatever the order of
 * the attributes.
 */
final class BootAttribute {

  /** The key of this object in the value's type parameters. */
  static final String PARAMETER = "fieldvault.attribute";

  private static final Map<String, Class<?>> PRIMITIVES = Map.of("boolean", boolean.class, "byte", byte.class,
      "short", short.class, "int", int.class, "long", long.class, "float", float.class, "double", double.class,
      "char", char.class);

  final Encrypted annotation;
  final PersistentClass entity;
  /** The attribute's name (within its embeddable, if it is in one). */
  final String attribute;
  /** The Java type's name as Hibernate's boot model gives it. */
  final String javaTypeName;
  /** The Java type, or null if it could not be loaded. */
  final Class<?> javaType;
  /** The {@code @Enumerated} style given explicitly (annotation or orm.xml), or null. */
  final EnumType enumerated;
  /** The column length declared for the plaintext, before FieldVault widened the column. */
  final long declaredLength;

  BootAttribute(Encrypted annotation, PersistentClass entity, String attribute, String javaTypeName, Class<?> javaType,
      EnumType enumerated, long declaredLength) {
    this.annotation = annotation;
    this.entity = entity;
    this.attribute = attribute;
    this.javaTypeName = javaTypeName;
    this.javaType = javaType;
    this.enumerated = enumerated;
    this.declaredLength = declaredLength;
  }

  /** Whether the entity has a {@code @TenantId}: asked when the type is built, after every attribute binder ran. */
  boolean tenantBound() {
    return Tenants.isTenantEntity(entity);
  }

  /** {@code Entity.attribute}, for messages. */
  String describe() {
    return MappingScan.entityName(entity) + "." + attribute;
  }

  /**
   * The class of a Java type named as Hibernate's boot model names it ({@code java.lang.String},
   * {@code int}, {@code byte[]} or {@code [B}, {@code a.b.Outer$Inner} or {@code a.b.Outer.Inner}),
   * or null if it cannot be loaded.
   */
  static Class<?> load(String name, ClassLoaderService classes) {
    if (name == null || name.isBlank()) {
      return null;
    }
    if (name.endsWith("[]")) {
      Class<?> component = load(name.substring(0, name.length() - 2), classes);
      return component == null ? null : Array.newInstance(component, 0).getClass();
    }
    Class<?> primitive = PRIMITIVES.get(name);
    if (primitive != null) {
      return primitive;
    }
    String candidate = name;
    while (true) {
      try {
        return classes.classForName(candidate);
      } catch (RuntimeException | LinkageError e) {
        int dot = candidate.lastIndexOf('.');
        if (dot < 0) {
          return null;
        }
        candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1); // a nested class
      }
    }
  }

  @Override
  public String toString() {
    return "BootAttribute{" + describe() + "}";
  }
}
