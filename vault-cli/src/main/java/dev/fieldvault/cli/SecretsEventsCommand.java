package dev.fieldvault.cli;

import dev.fieldvault.secrets.AuditAction;
import dev.fieldvault.secrets.AuditEvent;
import dev.fieldvault.secrets.AuditQuery;
import dev.fieldvault.secrets.Page;
import dev.fieldvault.secrets.SecretStoreNotFoundException;
import dev.fieldvault.secrets.SecretsVault;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fieldvault secrets events}: the audit log, filtered (never a value: events hold none). */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = {"List audit events, oldest first, filtered by namespace, name, action, principal and period.",
        "Names in a sealed namespace's events are keyed hashes: --name cannot find them."})
final class SecretsEventsCommand extends SecretsCommand.VaultCommand {

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", description = "Only this namespace.")
  String namespace;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "With -n: the namespace's tenant.")
  String tenant;

  @Option(names = "--name", paramLabel = "NAME", description = "Only events of this secret name.")
  String name;

  @Option(names = "--action", paramLabel = "ACTION", description = "Only this action: STORE_CREATED, CREATED, READ,"
      + " UPDATED, DELETED, ROLLED_BACK, ROTATED, KEY_ROTATED, EXPIRED_CLEANUP, DYNAMIC_ISSUED, DYNAMIC_REVOKED,"
      + " EXPORTED, IMPORTED.")
  String action;

  @Option(names = "--principal", paramLabel = "PRINCIPAL", description = "Only events of this principal.")
  String who;

  @Option(names = "--since", paramLabel = "WHEN", description = "From this instant (ISO-8601, 2026-01-31T00:00:00Z)"
      + " or this long ago (30d, 12h, 15m, 90s).")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "Before this instant (ISO-8601) or this long ago.")
  String until;

  @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "Events per page, 1 to 10000"
      + " (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--cursor", paramLabel = "C", description = "Continue after this cursor (printed when there are more).")
  String cursor;

  @Override
  public Integer call() {
    if (tenant != null && namespace == null) {
      throw new CliException("--tenant goes with -n NAMESPACE");
    }
    if (limit < 1 || limit > 10_000) {
      throw new CliException("--limit must be 1 to 10000, not " + limit);
    }
    AuditQuery q = AuditQuery.all().limit(limit).after(cursor);
    if (namespace != null) {
      q = q.namespace(namespace, tenant);
    }
    if (who != null) {
      q = q.principal(who);
    }
    if (action != null) {
      q = q.action(action());
    }
    Instant now = Instant.now();
    Instant from = since == null ? null : when(since, now, "--since");
    Instant to = until == null ? null : when(until, now, "--until");
    if (from != null || to != null) {
      q = q.between(from, to);
    }
    try (SecretsVault vault = vault()) {
      if (name != null && namespace != null) {
        refuseSealed(vault);
      }
      List<AuditEvent> shown = new ArrayList<>();
      Page<AuditEvent> page = vault.auditEvents(q);
      addMatching(page, shown);
      // a name is filtered here, page by page: scan until a page boundary after `limit` matches
      while (name != null && shown.size() < limit && page.hasNext()) {
        page = vault.auditEvents(q.after(page.nextCursor()));
        addMatching(page, shown);
      }
      print(shown);
      if (page.hasNext()) {
        out().println("more: --cursor " + page.nextCursor());
      }
      return 0;
    }
  }

  private void refuseSealed(SecretsVault vault) {
    boolean sealed;
    try {
      sealed = vault.store(namespace, tenant).isSealed();
    } catch (SecretStoreNotFoundException e) {
      throw new CliException("no namespace '" + namespace + "'" + (tenant == null ? "" : " of tenant " + tenant));
    }
    if (sealed) {
      throw new CliException("namespace '" + namespace + "' is sealed: its events name secrets only by keyed"
          + " hashes, so --name cannot find them; filter by action, principal and period");
    }
  }

  private void addMatching(Page<AuditEvent> page, List<AuditEvent> shown) {
    for (AuditEvent e : page.items()) {
      if (name == null || name.equals(e.name())) {
        shown.add(e);
      }
    }
  }

  private void print(List<AuditEvent> events) {
    PrintWriter out = out();
    out.printf("%-8s %-24s %-20s %-24s %-24s %-15s %-14s %s%n", "SEQ", "AT", "PRINCIPAL", "NAMESPACE", "NAME",
        "ACTION", "OUTCOME", "DETAIL");
    for (AuditEvent e : events) {
      String ns = e.namespace() == null ? "-" : (e.tenant() == null ? "" : e.tenant() + "/") + e.namespace();
      out.printf("%-8d %-24s %-20s %-24s %-24s %-15s %-14s %s%n", e.seq(), e.at(), e.principal(), ns,
          e.name() == null ? "-" : e.name(), e.action(), e.outcome(), e.detail() == null ? "" : e.detail());
    }
  }

  private AuditAction action() {
    try {
      return AuditAction.valueOf(action.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException("bad --action '" + action + "': use one of " + java.util.Arrays.toString(AuditAction.values()));
    }
  }

  private static Instant when(String text, Instant now, String option) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return now.minus(SecretsCommand.parseDuration(text));
      } catch (CliException notADuration) {
        throw new CliException("bad " + option + " '" + text + "': an ISO-8601 instant (2026-01-31T00:00:00Z) or a"
            + " duration ago (30d, 12h, 15m, 90s)");
      }
    }
  }
}
