package dev.fieldvault.secrets;

/**
 * Decides whether a principal may do an action on a store. Called before every operation; a refusal
 * is audited and returned as {@link Status#ACCESS_DENIED}. Must be thread-safe and fast.
 */
@FunctionalInterface
public interface AccessPolicy {

  /** Allows everything (the default). */
  AccessPolicy ALLOW_ALL = request -> true;

  boolean allows(Request request);

  /** One access check: who, which store (namespace and tenant, null when none), what. */
  record Request(String principal, String namespace, String tenant, Action action) {}
}
