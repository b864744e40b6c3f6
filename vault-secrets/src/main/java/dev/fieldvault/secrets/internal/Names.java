package dev.fieldvault.secrets.internal;

/**
 * The rules for identifiers the vault stores (secret names, namespaces, tenants, principals): checked
 * before any SQL runs, so a bad one gets its own message instead of a database error. Returns the
 * broken rule, or null when the identifier is acceptable; never echoes the identifier (a caller may
 * have passed a secret by mistake).
 */
public final class Names {

  private Names() {}

  /**
   * Why {@code value} is not an acceptable identifier of at most {@code maxLength} UTF-16 chars
   * ({@code maxLength} 0: no length limit), or null.
   */
  public static String problem(String value, int maxLength, boolean allowBlank) {
    if (value == null || value.isEmpty()) {
      return "it is empty";
    }
    if (!allowBlank && value.isBlank()) {
      return "it is blank";
    }
    if (maxLength > 0 && value.length() > maxLength) {
      return "it has " + value.length() + " characters (at most " + maxLength + ")";
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\u0000') {
        return "it contains U+0000 at index " + i + " (PostgreSQL cannot store it; MariaDB and H2 would)";
      }
      if (Character.isHighSurrogate(ch)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        return "it contains an unpaired UTF-16 surrogate at index " + i + " (not valid Unicode text)";
      }
      if (Character.isLowSurrogate(ch)) {
        return "it contains an unpaired UTF-16 surrogate at index " + i + " (not valid Unicode text)";
      }
    }
    return null;
  }

  /**
   * Why {@code principal} is not a valid principal name, or null: as {@link #problem} (at most 200
   * characters), and besides neither blank-looking (only white space or space characters, such as
   * U+00A0) nor holding a control character (a CR or LF would start a new line in a log that quotes it).
   */
  public static String principalProblem(String principal) {
    String problem = problem(principal, 200, false);
    if (problem != null) {
      return problem;
    }
    if (blankLooking(principal)) {
      return "it is blank (only white space)";
    }
    for (int i = 0; i < principal.length(); i++) {
      if (Character.isISOControl(principal.charAt(i))) {
        return "it contains a control character at index " + i;
      }
    }
    return null;
  }

  /** True when {@code s} is null, empty, or only white space or space characters (U+00A0, U+2007, U+202F ...). */
  public static boolean blankLooking(String s) {
    if (s == null) {
      return true;
    }
    return s.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp));
  }

  /**
   * Why {@code text} (metadata: any length, U+0000 allowed, as JSON stores it) is not valid Unicode text, or
   * null: an unpaired UTF-16 surrogate, which a driver would store as {@code ?}. Never echoes the text.
   */
  public static String surrogateProblem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(ch)) {
        return "contains an unpaired UTF-16 surrogate at index " + i + " (not valid Unicode text: the database"
            + " would store '?' instead)";
      }
    }
    return null;
  }

  /**
   * Why {@code metadata} cannot be stored faithfully, or null: a key or value with an unpaired surrogate. The
   * message names a key only when that key is valid text, and never a value.
   */
  public static String metadataProblem(java.util.Map<String, String> metadata) {
    int n = 0;
    for (java.util.Map.Entry<String, String> e : metadata.entrySet()) {
      n++;
      String problem = surrogateProblem(e.getKey());
      if (problem != null) {
        return "a metadata key (entry " + n + ") " + problem;
      }
      problem = surrogateProblem(e.getValue());
      if (problem != null) {
        return "the value of metadata key '" + e.getKey() + "' " + problem;
      }
    }
    return null;
  }
}
