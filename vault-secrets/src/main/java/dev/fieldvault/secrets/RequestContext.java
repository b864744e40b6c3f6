package dev.fieldvault.secrets;

/**
 * Where an operation came from, as the application saw the request: the client's address, its user
 * agent and the application's request id. Each part is optional (null) and stored with every audit
 * event the operation appends ({@link AuditEvent#requestContext()}), covered by the chain's hash and
 * MAC, and searchable ({@link AuditQuery#requestId}, {@link AuditQuery#clientAddress}).
 *
 * <p>Pass one per handle ({@link SecretStore#withRequestContext}) or for every operation of a thread
 * ({@link SecretsVault.Builder#requestContext}). The parts are plaintext in the audit table: never put
 * a secret (a session token, an authorization header) in them.
 *
 * @param clientAddress the client's address as text (an IP address, optionally with a port, or a
 *     host name), or null
 * @param userAgent the client's user agent, or null
 * @param requestId the application's request or correlation id, or null
 */
public record RequestContext(String clientAddress, String userAgent, String requestId) {

  /** The longest part accepted, in UTF-16 chars (the columns are VARCHAR(255)). */
  public static final int MAX_LENGTH = 255;

  /**
   * Checks every part.
   *
   * @throws InvalidRequestContextException a part is empty, longer than {@link #MAX_LENGTH}, or holds
   *     a control character or an unpaired surrogate (the message names the part and the rule, never
   *     the text)
   */
  public RequestContext {
    check("clientAddress", clientAddress);
    check("userAgent", userAgent);
    check("requestId", requestId);
  }

  /**
   * A checked context (see the record's constructor): too long or with control characters is refused
   * with {@link InvalidRequestContextException}. For text taken from a client as it came (a user agent),
   * {@link #sanitized} never refuses.
   */
  public static RequestContext of(String clientAddress, String userAgent, String requestId) {
    return new RequestContext(clientAddress, userAgent, requestId);
  }

  /**
   * A context from untrusted text that is never refused: each part has control characters and unpaired
   * surrogates replaced by {@code U+FFFD}, is cut to {@link #MAX_LENGTH} chars (never inside a
   * surrogate pair), and becomes null when empty.
   */
  public static RequestContext sanitized(String clientAddress, String userAgent, String requestId) {
    return new RequestContext(clean(clientAddress), clean(userAgent), clean(requestId));
  }

  /** Whether no part is set. */
  public boolean isEmpty() {
    return clientAddress == null && userAgent == null && requestId == null;
  }

  private static void check(String part, String v) {
    if (v == null) {
      return;
    }
    if (v.isEmpty()) {
      throw new InvalidRequestContextException("The request context's " + part + " is empty: pass null for none");
    }
    if (v.length() > MAX_LENGTH) {
      throw new InvalidRequestContextException("The request context's " + part + " has " + v.length()
          + " characters (at most " + MAX_LENGTH + "): shorten it, or build the context with"
          + " RequestContext.sanitized(...), which cuts it");
    }
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (Character.isISOControl(ch)) {
        throw new InvalidRequestContextException("The request context's " + part + " holds a control character"
            + " (U+" + String.format("%04X", (int) ch) + ") at index " + i + ": log-injection risk; use"
            + " RequestContext.sanitized(...) for text taken from a client");
      }
      if (Character.isHighSurrogate(ch) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(ch)) {
        throw new InvalidRequestContextException("The request context's " + part + " holds an unpaired UTF-16"
            + " surrogate at index " + i + " (not valid Unicode text)");
      }
    }
  }

  private static String clean(String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(v.length(), MAX_LENGTH));
    for (int i = 0; i < v.length() && b.length() < MAX_LENGTH; i++) {
      char ch = v.charAt(i);
      if (Character.isHighSurrogate(ch) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
        if (b.length() + 2 > MAX_LENGTH) {
          break;
        }
        b.append(ch).append(v.charAt(++i));
      } else if (Character.isISOControl(ch) || Character.isSurrogate(ch)) {
        b.append('\uFFFD');
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
