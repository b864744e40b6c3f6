package dev.fieldvault.hibernate.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpsertEvent;
import org.hibernate.sql.ast.spi.SqlAstCreationContext;

/**
 * The few Hibernate calls whose binary signature differs between the supported lines (6.6, 7.2,
 * 7.4), resolved once at class initialisation against the Hibernate on the class path, so that one
 * compiled jar serves every line. Calling such a method directly would compile against one line and
 * fail on another with a {@code NoSuchMethodError} (an {@code Error}, which escapes the usual
 * {@code catch (Exception)}).
 *
 * <ul>
 *   <li>{@code PreInsertEvent.getSession()} / {@code PreUpdateEvent.getSession()} return an
 *       {@code EventSource} on 6.6 and a {@code SharedSessionContractImplementor} on 7 (where
 *       stateless sessions fire these events too); both are a
 *       {@code SharedSessionContractImplementor}, which is all FieldVault needs ({@code PreUpsertEvent}
 *       likewise).
 *   <li>The {@code SqlAstCreationContext} a query translator is built with: the session factory itself
 *       on 6.6, its {@code getSqlTranslationEngine()} on 7 (where the factory no longer is one).
 *   <li>{@code PersistentClass.getFilters()} returns a list of {@code org.hibernate.internal.FilterConfiguration}
 *       on 6.6 and of {@code org.hibernate.mapping.FilterConfiguration} on 7; both have {@code getName()}
 *       and {@code getCondition()}, read here from whichever class the element is.
 * </ul>
 */
final class HibernateLines {

  private HibernateLines() {}

  private static final MethodHandle PRE_INSERT_SESSION = sessionGetter(PreInsertEvent.class);
  private static final MethodHandle PRE_UPDATE_SESSION = sessionGetter(PreUpdateEvent.class);
  private static final MethodHandle PRE_UPSERT_SESSION = sessionGetter(PreUpsertEvent.class);

  /** {@code SessionFactoryImplementor.getSqlTranslationEngine()} (Hibernate 7), or null (6.6). */
  private static final MethodHandle SQL_TRANSLATION_ENGINE = sqlTranslationEngine();

  /** The context a query translator of the session factory is built with, on every supported line. */
  static SqlAstCreationContext sqlAstCreationContext(SessionFactoryImplementor factory) {
    if (factory instanceof SqlAstCreationContext) {
      return (SqlAstCreationContext) factory; // 6.6
    }
    if (SQL_TRANSLATION_ENGINE == null) {
      throw new IllegalStateException("FieldVault found no SqlAstCreationContext of the session factory: this"
          + " Hibernate version is not supported by FieldVault (supported: 6.6, 7.2, 7.4)");
    }
    try {
      return (SqlAstCreationContext) SQL_TRANSLATION_ENGINE.invokeExact(factory);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("FieldVault could not read the SQL translation engine of the session factory", e);
    }
  }

  private static MethodHandle sqlTranslationEngine() {
    try {
      java.lang.reflect.Method m = SessionFactoryImplementor.class.getMethod("getSqlTranslationEngine");
      if (!SqlAstCreationContext.class.isAssignableFrom(m.getReturnType())) {
        return null;
      }
      return MethodHandles.publicLookup().findVirtual(SessionFactoryImplementor.class, "getSqlTranslationEngine",
          MethodType.methodType(m.getReturnType())).asType(
              MethodType.methodType(SqlAstCreationContext.class, SessionFactoryImplementor.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null; // 6.6: the factory is the context
    }
  }

  /** The session of a pre-insert event, on every supported line. */
  static SharedSessionContractImplementor session(PreInsertEvent event) {
    return invoke(PRE_INSERT_SESSION, event);
  }

  /** The session of a pre-update event, on every supported line. */
  static SharedSessionContractImplementor session(PreUpdateEvent event) {
    return invoke(PRE_UPDATE_SESSION, event);
  }

  /** The session of a pre-upsert event, on every supported line. */
  static SharedSessionContractImplementor session(PreUpsertEvent event) {
    return invoke(PRE_UPSERT_SESSION, event);
  }

  /** A filter of the boot model: its name and SQL condition. */
  record Filter(String name, String condition) {}

  /** The filters declared on one entity of the boot model (not those of its superclasses), on every supported line. */
  static List<Filter> filters(PersistentClass entity) {
    return filters(entity.getFilters());
  }

  /**
   * The filters of a list of filter configurations of the boot model ({@code getFilters()} of an entity or a
   * collection, a collection's {@code getManyToManyFilters()}), on every supported line.
   */
  static List<Filter> filters(List<?> configurations) {
    List<Filter> out = new ArrayList<>();
    // the element class differs between lines: never cast to it
    for (Object f : configurations) {
      out.add(new Filter((String) call(f, "getName"), (String) call(f, "getCondition")));
    }
    return out;
  }

  private static Object call(Object target, String getter) {
    try {
      return target.getClass().getMethod(getter).invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(target.getClass().getName() + " has no public " + getter + "(): this Hibernate"
          + " version is not supported by FieldVault (supported: 6.6, 7.2, 7.4)", e);
    }
  }

  private static SharedSessionContractImplementor invoke(MethodHandle getter, Object event) {
    try {
      return (SharedSessionContractImplementor) getter.invokeExact(event);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("FieldVault could not read the session of a Hibernate event", e);
    }
  }

  /** {@code getSession()} of an event class, whatever it returns, as {@code (Object) -> SharedSessionContractImplementor}. */
  private static MethodHandle sessionGetter(Class<?> eventClass) {
    try {
      Class<?> returned = eventClass.getMethod("getSession").getReturnType();
      if (!SharedSessionContractImplementor.class.isAssignableFrom(returned)) {
        throw new IllegalStateException(eventClass.getName() + ".getSession() returns " + returned.getName()
            + ": this Hibernate version is not supported by FieldVault (supported: 6.6, 7.2, 7.4)");
      }
      MethodHandle h = MethodHandles.publicLookup().findVirtual(eventClass, "getSession", MethodType.methodType(returned));
      return h.asType(MethodType.methodType(SharedSessionContractImplementor.class, Object.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException(eventClass.getName() + " has no public getSession(): this Hibernate version"
          + " is not supported by FieldVault (supported: 6.6, 7.2, 7.4)", e);
    }
  }
}
