package dev.fieldvault.secrets;

import java.util.List;

/**
 * Decides whether a principal may do an action on a store, and on which names. Called before every
 * operation; a refusal is audited and returned as {@link Status#ACCESS_DENIED} (or thrown as
 * {@link SecretsAccessDeniedException} by operations without a result). Must be thread-safe and fast.
 *
 * <p>A callback ({@code req -> ...}) or declarative {@link AccessRules}; both together with
 * {@link SecretsVault.Builder#accessPolicy} and {@link SecretsVault.Builder#accessRules} (each must
 * allow), or {@link #allOf}.
 */
@FunctionalInterface
public interface AccessPolicy {

  /** Allows everything (the default). */
  AccessPolicy ALLOW_ALL = request -> true;

  /**
   * Whether the request is allowed. {@link Request#name()} is the entry's name for operations on one
   * name (in sealed stores the plain name the caller passed; the audit log keeps its keyed hash), and
   * null for operations on the store as a whole (counts, events without a name filter, the gate of a
   * listing) and for vault-wide {@link Action#ADMIN} operations (then the namespace is null too).
   */
  boolean allows(Request request);

  /**
   * Whether the principal may do the action on at least some names of the store ({@code request}'s
   * name is null): the gate of {@link SecretStore#list(ListQuery)}, {@link SecretStore#findById} and
   * {@link SecretStore#getById}, which then ask {@link #allows} for each name and show only the allowed
   * ones. By default the same as {@link #allows}; {@link AccessRules} also counts grants limited to
   * some names.
   */
  default boolean allowsSome(Request request) {
    return allows(request);
  }

  /** A policy that allows a request only when every one of {@code policies} does. */
  static AccessPolicy allOf(AccessPolicy... policies) {
    List<AccessPolicy> all = List.of(policies);
    return new AccessPolicy() {
      @Override
      public boolean allows(Request request) {
        for (AccessPolicy p : all) {
          if (!p.allows(request)) {
            return false;
          }
        }
        return true;
      }

      @Override
      public boolean allowsSome(Request request) {
        for (AccessPolicy p : all) {
          if (!p.allowsSome(request)) {
            return false;
          }
        }
        return true;
      }
    };
  }

  /**
   * One access check: who, which store (namespace and tenant, null when none), what, and on which
   * name (null when the operation is not about one name; see {@link AccessPolicy#allows}).
   */
  record Request(String principal, String namespace, String tenant, Action action, String name) {

    /** A check without a name (as before names reached the policy). */
    public Request(String principal, String namespace, String tenant, Action action) {
      this(principal, namespace, tenant, action, null);
    }

    /** This request about another name (null: the store as a whole). */
    public Request withName(String otherName) {
      return new Request(principal, namespace, tenant, action, otherName);
    }

    /** Shows the principal, store and action; the name only as its length (names may be sensitive). */
    @Override
    public String toString() {
      return "Request{principal=" + principal + ", namespace=" + namespace + ", tenant=" + tenant + ", action="
          + action + (name == null ? "" : ", name=<" + name.length() + " chars>") + "}";
    }
  }
}
