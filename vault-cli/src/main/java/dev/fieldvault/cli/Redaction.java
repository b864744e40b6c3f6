package dev.fieldvault.cli;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
   * The secrets a JDBC URL carries, to be masked wherever a driver's message repeats them, however
   * the driver has cut the URL up: the whole user-info part (up to the last {@code @} of the URL),
   * the password in it and each of its pieces between {@code :}, {@code @} and {@code /}, every
   * password-like parameter's value, and the percent-decoded form of each. The user name before the
   * first {@code :} stays readable. Empty for null or a URL without secrets.
   */
  static List<String> urlSecrets(String url) {
    Set<String> found = new LinkedHashSet<>();
    if (url == null) {
      return List.of();
    }
    int start = url.indexOf("//");
    int at = url.lastIndexOf('@');
    if (start >= 0 && at > start + 2) {
      String userInfo = url.substring(start + 2, at);
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        // no user:password split: the whole part may be a token
        found.add(userInfo);
      } else {
        found.add(userInfo);
        String password = userInfo.substring(colon + 1);
        found.add(password);
        for (String piece : password.split("[:@/]")) {
          found.add(piece);
        }
      }
    }
    Matcher m = PARAMETER.matcher(url);
    while (m.find()) {
      found.add(m.group(2));
    }
    Matcher o = ORACLE.matcher(url);
    while (o.find()) {
      found.add(o.group(2));
    }
    List<String> all = new ArrayList<>();
    for (String s : found) {
      if (!s.isEmpty()) {
        all.add(s);
        String decoded = decoded(s);
        if (!decoded.isEmpty() && !decoded.equals(s)) {
          all.add(decoded);
        }
      }
    }
    return all;
  }

  private static String decoded(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
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
