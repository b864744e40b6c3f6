package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An operator's anchor of the audit chain: the sequence number of the newest event when it was taken
 * and that event's MAC. Keep it outside the database (a ticket, a log pipeline, another system) and
 * pass it to {@link SecretsVault#verifyAuditChain(AuditAnchor)}: the check then also fails when
 * events up to the anchor were removed from the end of the chain, the head row was rolled back, or the
 * chain was rewritten from an earlier point, which the database alone cannot show. Not secret: a MAC
 * reveals nothing without the key. {@link #toString()} is the text form {@code <seq>:<mac>};
 * {@link #parse(String)} reads it back.
 */
public record AuditAnchor(long seq, String mac) {

  private static final Pattern MAC = Pattern.compile("[0-9a-f]{2,400}");

  /** Checks the parts: a positive sequence number and a lower-case hex MAC. */
  public AuditAnchor {
    if (seq < 1) {
      throw new VaultConfigurationException("An audit anchor names an event: its sequence number must be at least 1,"
          + " not " + seq);
    }
    Objects.requireNonNull(mac, "mac");
    if (!MAC.matcher(mac).matches()) {
      throw new VaultConfigurationException("An audit anchor's MAC is lower-case hex (as auditAnchor() gives it)");
    }
  }

  /**
   * Reads the text form {@code <seq>:<mac>}.
   *
   * @throws VaultConfigurationException if {@code text} is not an anchor
   */
  public static AuditAnchor parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon < 1) {
      throw new VaultConfigurationException("Not an audit anchor: expected <seq>:<mac> as printed by auditAnchor()");
    }
    try {
      return new AuditAnchor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1).trim());
    } catch (NumberFormatException e) {
      throw new VaultConfigurationException("Not an audit anchor: expected <seq>:<mac> as printed by auditAnchor()");
    }
  }

  @Override
  public String toString() {
    return seq + ":" + mac;
  }
}
