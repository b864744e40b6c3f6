package dev.fieldvault.spring.boot.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.ObjectProvider;

/**
 * FieldVault's health on Spring Boot 3.5, whose health API ({@code org.springframework.boot.actuate.health})
 * moved in Boot 4.0: the starter is compiled against 4.0, so it reaches 3.5's {@code HealthIndicator}
 * and {@code Health} by name. A factory bean typed by name ({@link #getObjectType()}), so Boot 3.5's
 * health registry finds it by type; its object is a proxy whose {@code health()} builds the 3.5
 * {@code Health} from {@link HealthCheck}. Only created when that class is present.
 */
public final class Boot3HealthIndicator implements FactoryBean<Object> {

  static final String INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
  static final String HEALTH = "org.springframework.boot.actuate.health.Health";

  private final ObjectProvider<HealthCheck> check;

  /**
   * Takes the check lazily: Spring instantiates factory beans early to learn their type, and a direct
   * dependency on the keys could then close a cycle while the keys are being created.
   */
  public Boot3HealthIndicator(ObjectProvider<HealthCheck> check) {
    this.check = check;
  }

  @Override
  public Object getObject() throws Exception {
    ClassLoader loader = Boot3HealthIndicator.class.getClassLoader();
    Class<?> indicator = Class.forName(INDICATOR, false, loader);
    Class<?> health = Class.forName(HEALTH, false, loader);
    Method up = health.getMethod("up");
    Method down = health.getMethod("down");
    InvocationHandler handler = (proxy, method, args) -> {
      switch (method.getName()) {
        case "health":
          if (method.getParameterCount() == 0) {
            HealthCheck.Result r = check.getObject().check();
            Object builder = (r.up() ? up : down).invoke(null);
            builder = builder.getClass().getMethod("withDetails", Map.class).invoke(builder, r.details());
            return builder.getClass().getMethod("build").invoke(builder);
          }
          break;
        case "toString":
          return "FieldVaultHealthIndicator(Boot 3)";
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          break;
      }
      if (method.isDefault()) {
        return java.lang.invoke.MethodHandles.privateLookupIn(indicator, java.lang.invoke.MethodHandles.lookup())
            .unreflectSpecial(method, indicator).bindTo(proxy).invokeWithArguments(args == null ? new Object[0] : args);
      }
      throw new UnsupportedOperationException(method.toString());
    };
    return Proxy.newProxyInstance(loader, new Class<?>[] {indicator}, handler);
  }

  @Override
  public Class<?> getObjectType() {
    try {
      return Class.forName(INDICATOR, false, Boot3HealthIndicator.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return null;
    }
  }
}
