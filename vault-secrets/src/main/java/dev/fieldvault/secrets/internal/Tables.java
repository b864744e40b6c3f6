package dev.fieldvault.secrets.internal;

import dev.fieldvault.keys.VaultConfigurationException;
import java.util.regex.Pattern;

/** The vault's table names for one prefix (validated: it is concatenated into SQL). */
public final class Tables {

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");

  public final String store;
  public final String entry;
  public final String version;
  public final String audit;
  public final String auditHead;

  public Tables(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new VaultConfigurationException("The secrets table prefix must be 1 to 40 letters, digits or"
          + " underscores, starting with a letter or underscore, not '" + prefix + "'");
    }
    this.store = prefix + "store";
    this.entry = prefix + "entry";
    this.version = prefix + "version";
    this.audit = prefix + "audit";
    this.auditHead = prefix + "audit_head";
  }
}
