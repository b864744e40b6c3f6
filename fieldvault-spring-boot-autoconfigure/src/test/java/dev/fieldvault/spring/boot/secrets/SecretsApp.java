package dev.fieldvault.spring.boot.secrets;

import dev.fieldvault.secrets.AccessRules;
import dev.fieldvault.secrets.Action;
import dev.fieldvault.secrets.AuditEvent;
import dev.fieldvault.secrets.ExpiryListener;
import dev.fieldvault.secrets.RotationListener;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsEventListener;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.WriteResult;
import dev.fieldvault.spring.boot.SecretsVaultCustomizer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application that uses the secrets vault through the starter only: listener, access-rule and
 * customizer beans, and a controller whose vault calls run on the request's thread.
 */
@SpringBootApplication
public class SecretsApp {

  /** The principal the application acts as (granted everything by the rules below). */
  public static final String APP = "app";

  /** Every committed audit event, as the event listener bean heard it. */
  public static final class HeardEvents implements SecretsEventListener {
    public final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(AuditEvent event) {
      events.add(event);
    }
  }

  /** Every rotation, as the rotation listener bean heard it. */
  public static final class HeardRotations implements RotationListener {
    public final List<Rotation> rotations = new CopyOnWriteArrayList<>();

    @Override
    public void rotated(Rotation rotation) {
      rotations.add(rotation);
    }
  }

  /** Every expiry warning, as the expiry listener bean heard it. */
  public static final class HeardWarnings implements ExpiryListener {
    public final List<Warning> warnings = new CopyOnWriteArrayList<>();

    @Override
    public void expiring(Warning warning) {
      warnings.add(warning);
    }
  }

  @Bean
  HeardEvents heardEvents() {
    return new HeardEvents();
  }

  @Bean
  HeardRotations heardRotations() {
    return new HeardRotations();
  }

  @Bean
  HeardWarnings heardWarnings() {
    return new HeardWarnings();
  }

  /**
   * The application may do everything; the rotation policies' principal may rotate the store "rot";
   * readers may only read the store "ruled"; everyone else nothing.
   */
  @Bean
  AccessRules accessRules() {
    return AccessRules.builder()
        .principal(APP).grant(Action.READ, Action.WRITE, Action.DELETE, Action.ADMIN).onAnyStore()
        .principal("fieldvault-rotation").grant(Action.READ, Action.WRITE).onStore("rot")
        .role("reader").grant(Action.READ).onStore("ruled")
        .principal("alice").hasRoles("reader")
        .build();
  }

  /** A rotation policy on the store "rot": every value older than a second gets a new one. */
  @Bean
  SecretsVaultCustomizer rotationPolicy() {
    return builder -> builder.rotationPolicy("rot", null, Duration.ofSeconds(1),
        (name, current) -> SecretValue.ofString(current.asString() + "+"));
  }

  /** Writes a secret on the request's thread; the audit event gets the request's context. */
  @RestController
  static class SecretsController {
    private final SecretsVault vault;

    SecretsController(SecretsVault vault) {
      this.vault = vault;
    }

    @PostMapping("/secrets/{name}")
    String put(@PathVariable("name") String name) {
      WriteResult r = vault.store("web").as(APP).put(name, SecretValue.ofString("from-a-request"));
      return r.status().name();
    }
  }
}
