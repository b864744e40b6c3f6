package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.Names;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A declarative {@link AccessPolicy}: grants (and denials) of actions to principals and roles, per
 * store and per name prefix. Deny by default: a request is allowed only when a grant matches it and no
 * denial does (an explicit denial wins). Immutable and thread-safe once built.
 *
 * <pre>{@code
 * AccessRules rules = AccessRules.builder()
 *     .role("payments-app").grant(Action.READ, Action.WRITE).onStore("payments", "*").namesStartingWith("stripe/")
 *     .role("payments-app").deny(Action.WRITE).onStore("payments", "*").namesStartingWith("stripe/live/")
 *     .role("ops").grant(Action.ADMIN).onAnyStore()
 *     .principal("alice").hasRoles("payments-app")
 *     .roleResolver(principal -> directory.rolesOf(principal))   // roles the application knows
 *     .build();
 * SecretsVault vault = SecretsVault.builder(dataSource, cipher).accessRules(rules).build();
 * }</pre>
 *
 * <p><b>Matching.</b> A rule applies to a request when its subject is the request's principal or one
 * of the principal's roles (static {@link Subject#hasRoles} plus the {@link Builder#roleResolver}'s),
 * its actions include the request's, its store matches ({@code namespace} and {@code tenant} exactly,
 * {@code "*"} for any; tenant {@code null} only for stores without a tenant; {@link Rule#onAnyStore()}
 * also matches vault-wide {@link Action#ADMIN} requests, which have no store) and its names match:
 * no name condition matches every name; {@link Rule#namesStartingWith} matches names that begin with
 * one of the prefixes, character for character ({@code "stripe/"} matches {@code "stripe/live"} but not
 * {@code "stripe-x"} or {@code "Stripe/a"}); {@link Rule#names} matches those exact names.
 *
 * <p><b>Requests without a name</b> (the store as a whole: {@link SecretStore#counts()}, events
 * without a name filter; vault-wide ADMIN) are granted only by a grant without a name condition, and
 * refused by any matching denial, with or without names (the store includes those names). A listing
 * ({@link SecretStore#list(ListQuery)}) needs some grant of READ on the store ({@link #allowsSome}) and
 * shows only the names READ is allowed for.
 */
public final class AccessRules implements AccessPolicy {

  private final List<Compiled> rules;
  private final Map<String, Set<String>> staticRoles;
  private final Function<String, Set<String>> resolver;

  private AccessRules(Builder b) {
    this.rules = b.rules.stream().map(Rule::compile).toList();
    Map<String, Set<String>> roles = new HashMap<>();
    b.staticRoles.forEach((p, r) -> roles.put(p, Set.copyOf(r)));
    this.staticRoles = Map.copyOf(roles);
    this.resolver = b.resolver;
  }

  /** A builder of rules; nothing is allowed until granted. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean allows(Request request) {
    return decide(request, false);
  }

  @Override
  public boolean allowsSome(Request request) {
    return decide(request.withName(null), true);
  }

  /**
   * The roles of {@code principal}: those given with {@link Subject#hasRoles} and those of the
   * resolver (whose exceptions propagate: the operation then fails before doing anything).
   */
  public Set<String> rolesOf(String principal) {
    Set<String> out = new HashSet<>(staticRoles.getOrDefault(principal, Set.of()));
    if (resolver != null) {
      Set<String> resolved = resolver.apply(principal);
      if (resolved != null) {
        out.addAll(resolved);
      }
    }
    return out;
  }

  private boolean decide(Request r, boolean anyName) {
    Objects.requireNonNull(r, "request");
    Set<String> roles = null;
    boolean granted = false;
    for (Compiled rule : rules) {
      if (!rule.actions().contains(r.action()) || !rule.storeMatches(r.namespace(), r.tenant())) {
        continue;
      }
      if (rule.role() != null) {
        if (roles == null) {
          roles = rolesOf(r.principal());
        }
        if (!roles.contains(rule.role())) {
          continue;
        }
      } else if (!rule.principal().equals(r.principal())) {
        continue;
      }
      if (rule.deny()) {
        // a denial limited to names refuses requests about those names and about the whole store,
        // but not the gate of a listing (which hides the denied names one by one)
        if (r.name() != null ? rule.nameMatches(r.name()) : !anyName || rule.allNames()) {
          return false;
        }
      } else if (!granted) {
        granted = r.name() != null ? rule.nameMatches(r.name()) : anyName || rule.allNames();
      }
    }
    return granted;
  }

  /** The number of rules (their text is not shown: it names the application's principals and stores). */
  @Override
  public String toString() {
    return "AccessRules{" + rules.size() + " rules}";
  }

  /** Declares rules; {@link #build()} checks that each is complete. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, Set<String>> staticRoles = new HashMap<>();
    private Function<String, Set<String>> resolver;
    private Rule open;

    private Builder() {}

    /** Rules for (or roles of, with {@link Subject#hasRoles}) one principal. */
    public Subject principal(String principal) {
      finish();
      return new Subject(this, check(principal, "principal"), null);
    }

    /** Rules for every principal that has this role. */
    public Subject role(String role) {
      finish();
      return new Subject(this, null, check(role, "role"));
    }

    /**
     * Where principals' roles come from besides {@link Subject#hasRoles}: called with the principal at
     * each check (so cache in it if looking roles up is slow); null or an empty set for none.
     */
    public Builder roleResolver(Function<String, Set<String>> roleResolver) {
      finish();
      this.resolver = Objects.requireNonNull(roleResolver, "roleResolver");
      return this;
    }

    /**
     * The rules.
     *
     * @throws VaultConfigurationException if a rule names no store ({@link Rule#onStore} or
     *     {@link Rule#onAnyStore})
     */
    public AccessRules build() {
      finish();
      return new AccessRules(this);
    }

    private Rule start(Rule r) {
      finish();
      open = r;
      return r;
    }

    private void finish() {
      if (open != null) {
        if (!open.storeSet) {
          throw new VaultConfigurationException("An access rule (" + open + ") names no store: add onStore(namespace,"
              + " tenant) or onAnyStore()");
        }
        rules.add(open);
        open = null;
      }
    }

    private static String check(String v, String what) {
      String problem = Names.problem(v, 200, false);
      if (problem != null) {
        throw new InvalidSecretNameException("An access rule's " + what + " must be a non-blank name of at most 200"
            + " characters without U+0000 or unpaired surrogates, but " + problem);
      }
      return v;
    }
  }

  /** A principal or a role, to which rules are given. */
  public static final class Subject {
    private final Builder builder;
    private final String principal;
    private final String role;

    private Subject(Builder builder, String principal, String role) {
      this.builder = builder;
      this.principal = principal;
      this.role = role;
    }

    /** Allows these actions, on the store(s) and names the rule then names. */
    public Rule grant(Action... actions) {
      return builder.start(new Rule(builder, principal, role, false, actions(actions)));
    }

    /** Refuses these actions on the store(s) and names the rule then names, whatever grants say. */
    public Rule deny(Action... actions) {
      return builder.start(new Rule(builder, principal, role, true, actions(actions)));
    }

    /** Gives this principal roles (adds to any given before and to the resolver's). */
    public Builder hasRoles(String... roles) {
      if (principal == null) {
        throw new VaultConfigurationException("hasRoles is for a principal, not for role '" + role + "'");
      }
      Set<String> set = builder.staticRoles.computeIfAbsent(principal, p -> new LinkedHashSet<>());
      for (String r : roles) {
        set.add(Builder.check(r, "role"));
      }
      return builder;
    }

    private static Set<Action> actions(Action... actions) {
      if (actions.length == 0) {
        throw new VaultConfigurationException("An access rule needs at least one action (READ, WRITE, DELETE, ADMIN)");
      }
      EnumSet<Action> set = EnumSet.noneOf(Action.class);
      for (Action a : actions) {
        set.add(Objects.requireNonNull(a, "action"));
      }
      return set;
    }
  }

  /**
   * One grant or denial being declared: give it a store ({@link #onStore} or {@link #onAnyStore}) and
   * optionally names; then go on with the next {@link #principal}/{@link #role}, or {@link #build()}.
   */
  public static final class Rule {
    private final Builder builder;
    private final String principal;
    private final String role;
    private final boolean deny;
    private final Set<Action> actions;
    private String namespace;
    private String tenant;
    private boolean storeSet;
    private final List<String> prefixes = new ArrayList<>();
    private final Set<String> exact = new HashSet<>();

    private Rule(Builder builder, String principal, String role, boolean deny, Set<Action> actions) {
      this.builder = builder;
      this.principal = principal;
      this.role = role;
      this.deny = deny;
      this.actions = actions;
    }

    /** The stores without a tenant of this namespace ({@code "*"}: every namespace). */
    public Rule onStore(String namespace) {
      return onStore(namespace, null);
    }

    /**
     * The store of this namespace and tenant: each exact, or {@code "*"} for any; a null tenant means
     * stores without a tenant only.
     */
    public Rule onStore(String namespace, String tenant) {
      if (storeSet) {
        throw new VaultConfigurationException("An access rule names one store pattern; declare another rule for"
            + " another store");
      }
      this.namespace = Builder.check(namespace, "namespace");
      this.tenant = tenant == null ? null : Builder.check(tenant, "tenant");
      this.storeSet = true;
      return this;
    }

    /** Every store, and the vault-wide {@link Action#ADMIN} operations (which concern no store). */
    public Rule onAnyStore() {
      return onStore("*", "*");
    }

    /**
     * Limits the rule to names starting with one of these prefixes (compared character for
     * character; include the separator: {@code "stripe/"} does not match {@code "stripe-x"}).
     */
    public Rule namesStartingWith(String... namePrefixes) {
      for (String p : namePrefixes) {
        if (p == null || p.isEmpty()) {
          throw new VaultConfigurationException("A name prefix must not be empty (leave the rule without a name"
              + " condition to cover every name)");
        }
        prefixes.add(p);
      }
      return this;
    }

    /** Limits the rule to these exact names (may be combined with prefixes: either matches). */
    public Rule names(String... exactNames) {
      for (String n : exactNames) {
        exact.add(Objects.requireNonNull(n, "name"));
      }
      return this;
    }

    /** Ends this rule and starts rules for a principal. */
    public Subject principal(String nextPrincipal) {
      return builder.principal(nextPrincipal);
    }

    /** Ends this rule and starts rules for a role. */
    public Subject role(String nextRole) {
      return builder.role(nextRole);
    }

    /** Ends this rule; see {@link Builder#roleResolver}. */
    public Builder roleResolver(Function<String, Set<String>> roleResolver) {
      return builder.roleResolver(roleResolver);
    }

    /** Ends this rule and builds the rules. */
    public AccessRules build() {
      return builder.build();
    }

    Compiled compile() {
      return new Compiled(principal, role, deny, Set.copyOf(actions), namespace, tenant, List.copyOf(prefixes),
          Set.copyOf(exact));
    }

    private boolean allNames() {
      return prefixes.isEmpty() && exact.isEmpty();
    }

    @Override
    public String toString() {
      return (deny ? "deny " : "grant ") + actions + " to " + (role != null ? "role " + role : "principal " + principal)
          + " on " + (storeSet ? namespace + (tenant == null ? "" : "/" + tenant) : "?")
          + (allNames() ? "" : " names " + prefixes + "*" + (exact.isEmpty() ? "" : " " + exact));
    }
  }

  /** A rule as built: immutable, so a {@link Rule} kept by the caller cannot change built rules. */
  private record Compiled(String principal, String role, boolean deny, Set<Action> actions, String namespace,
      String tenant, List<String> prefixes, Set<String> exact) {

    boolean allNames() {
      return prefixes.isEmpty() && exact.isEmpty();
    }

    boolean nameMatches(String name) {
      if (allNames() || exact.contains(name)) {
        return true;
      }
      for (String p : prefixes) {
        if (name.startsWith(p)) {
          return true;
        }
      }
      return false;
    }

    boolean storeMatches(String ns, String t) {
      if (ns == null) { // a vault-wide request
        return namespace.equals("*") && "*".equals(tenant);
      }
      if (!namespace.equals("*") && !namespace.equals(ns)) {
        return false;
      }
      if ("*".equals(tenant)) {
        return true;
      }
      return Objects.equals(tenant, t);
    }
  }
}
