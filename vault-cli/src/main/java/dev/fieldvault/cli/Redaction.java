package dev.fieldvault.cli;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of what the tool prints: JDBC URLs lose their passwords (in the user-info part,
 * in query or semicolon properties, and Oracle's {@code user/password@}), and any text can be
 * scrubbed of the secrets the command has read (database password, master secret, values).
 */
final class Redaction {

  /** What a removed secret is replaced with. */
  static final String MASK = "****";

  // user:password@ in the authority of any URL (jdbc:mysql://u:p@host, jdbc:mariadb://u:p@host)
  private static final Pattern USER_INFO = Pattern.compile("(//[^/:@;?&\\s]*):([^@/\\s]*)@");
  // Oracle's jdbc:oracle:thin:user/password@host
  private static final Pattern ORACLE = Pattern.compile("(?i)(jdbc:oracle:[a-z]+:[^/@:\\s]*)/([^@\\s]*)@");
  // password=..., pwd=..., secret=..., token=... as query (?&) or property (;:) parameters, any case
  private static final Pattern PARAMETER = Pattern.compile(
      "(?i)([?&;:,(\\s]\\s*[a-z0-9_.\\-]*(?:password|passwd|pwd|secret|token|credential)[a-z0-9_.\\-]*\\s*=)([^&;)\\s]*)");
  private static final Pattern JDBC_URL = Pattern.compile("jdbc:[^\\s\"'<>]+");

  private Redaction() {}

  /** The JDBC URL with every password it carries masked; null stays null. */
  static String jdbcUrl(String url) {
    if (url == null) {
      return null;
    }
    String s = USER_INFO.matcher(url).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
    s = ORACLE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "/" + MASK + "@"));
    return PARAMETER.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
  }

  /**
   * The text with every JDBC URL in it redacted and every one of the given secrets masked (so a
   * driver's or library's message cannot carry them out); null stays null.
   */
  static String scrub(String text, Collection<String> secrets) {
    if (text == null) {
      return null;
    }
    String s = JDBC_URL.matcher(text).replaceAll(m -> Matcher.quoteReplacement(jdbcUrl(m.group())));
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        s = mask(s, secret);
        String trimmed = secret.strip();
        if (!trimmed.isEmpty() && !trimmed.equals(secret)) {
          s = mask(s, trimmed);
        }
      }
    }
    return s;
  }

  /**
   * Masks a secret wherever it occurs; a short one (under 8 characters) only where it stands alone,
   * not inside a longer word, so that a value like "x" does not garble every message it is in.
   */
  private static String mask(String text, String secret) {
    if (secret.length() >= 8) {
      return text.replace(secret, MASK);
    }
    return Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(secret) + "(?![\\p{L}\\p{N}])")
        .matcher(text).replaceAll(Matcher.quoteReplacement(MASK));
  }
}
