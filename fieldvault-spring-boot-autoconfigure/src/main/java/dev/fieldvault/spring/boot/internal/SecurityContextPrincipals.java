package dev.fieldvault.spring.boot.internal;

import java.util.function.Supplier;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The secrets vault's principal from Spring Security: the name of the calling thread's authenticated,
 * non-anonymous {@link Authentication} in {@link SecurityContextHolder}; null otherwise (no context, no
 * authentication, not authenticated, or Spring Security's anonymous authentication), which the vault
 * turns into {@code anonymous}. Reads the holder at each call (the vault calls it at each operation).
 */
public final class SecurityContextPrincipals implements Supplier<String> {

  private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

  @Override
  public String get() {
    SecurityContext context = SecurityContextHolder.getContext();
    Authentication authentication = context == null ? null : context.getAuthentication();
    if (authentication == null || !authentication.isAuthenticated() || trust.isAnonymous(authentication)) {
      return null;
    }
    return authentication.getName();
  }
}
