package dev.fieldvault.spring.boot.internal;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether the value of a {@code fieldvault.kek.*} property that names a secret (a variable, a file, a
 * KMS key) may be shown. These properties never hold a secret by design, but a mis-pasted master
 * secret lands exactly there, so a value is shown (in a failure report, an exception, Actuator) only
 * when it is recognisably not a secret.
 */
public final class KekSettings {

  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Pattern VARIABLE_SYNTAX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");
  private static final Pattern SCHEME = Pattern.compile("([a-z][a-z0-9+.-]{0,31})://.*", Pattern.DOTALL);
  /** The URI schemes of Tink's and FieldVault's KMS clients. */
  public static final List<String> KNOWN_KMS_SCHEMES =
      List.of("aws-kms", "gcp-kms", "hcvault", "azure-kms", "azure-keyvault");
  /** Below this length no master secret is accepted, so such a value is never a working secret. */
  private static final int SECRET_LENGTH = 32;

  private KekSettings() {}

  /**
   * An environment variable name: {@code [A-Za-z_][A-Za-z0-9_]*}, at most 64 characters, and, from 32
   * characters (a master secret's minimum), upper case with an underscore as variable names are, which
   * a random secret is not.
   */
  public static boolean isVariableName(String value) {
    if (value == null || !VARIABLE.matcher(value).matches()) {
      return false;
    }
    return value.length() < SECRET_LENGTH
        || (value.indexOf('_') >= 0 && value.equals(value.toUpperCase(Locale.ROOT)));
  }

  /**
   * Whether the value has the syntax of a variable name at all ({@code [A-Za-z_][A-Za-z0-9_]*}, at
   * most 255 characters); one that has it may still not be shown ({@link #isVariableName}).
   */
  public static boolean hasVariableSyntax(String value) {
    return value != null && VARIABLE_SYNTAX.matcher(value).matches();
  }

  /** A master secret file that exists (a secret pasted in its place does not name an existing file). */
  public static boolean isExistingFile(Path file) {
    try {
      return file != null && Files.exists(file);
    } catch (SecurityException | InvalidPathException e) {
      return false;
    }
  }

  /** A KMS key URI of a known kind ({@code aws-kms://...}, {@code gcp-kms://...}, ...). */
  public static boolean isKnownKmsUri(String uri) {
    String scheme = scheme(uri);
    return scheme != null && KNOWN_KMS_SCHEMES.contains(scheme);
  }

  /** The URI's scheme when it has the {@code scheme://} form, else null. */
  public static String scheme(String uri) {
    if (uri == null) {
      return null;
    }
    var m = SCHEME.matcher(uri.trim());
    return m.matches() ? m.group(1) : null;
  }

  /** The variable name for a message, or a placeholder when it may be a secret. */
  public static String showVariable(String value) {
    return isVariableName(value) ? value : "[not shown]";
  }

  /** The file for a message, or a placeholder when it does not exist (it may be a secret). */
  public static String showFile(Path file) {
    return isExistingFile(file) ? file.toString() : "[not shown]";
  }

  /** The KMS URI for a message, or a placeholder when it is not of a known kind. */
  public static String showKmsUri(String uri) {
    return isKnownKmsUri(uri) ? uri.trim() : "[not shown]";
  }
}
