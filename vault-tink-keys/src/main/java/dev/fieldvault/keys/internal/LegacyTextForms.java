package dev.fieldvault.keys.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Internal: the text forms a legacy plaintext equal to a searched value may have in its column, for the
 * plaintext arm of an equality search while a column is migrated from plaintext (the Hibernate
 * integration's and the JDBC wrapper's, through {@code FieldEncryptor.legacySearchForms}): every form that
 * {@link dev.fieldvault.keys.LegacyPlaintext} reads back as that value and that Java or a database writes
 * (the text a column converted by {@code ALTER TABLE ... TYPE text} / {@code MODIFY ... VARCHAR} holds).
 * A type has a fixed number of forms ({@link #count}), so a search has a fixed number of placeholders;
 * a value with fewer distinct forms repeats its first one.
 *
 * <ul>
 *   <li>{@code Boolean}: {@code true t 1 yes y on} (and {@code false f 0 no n off}), each in lower case,
 *       upper case and capitalised;
 *   <li>{@code LocalDateTime}: date and time separated by {@code T} or a space, the time as Java writes it,
 *       with seconds always, and with the fraction trimmed (PostgreSQL), in groups of three digits (Java) or
 *       to six digits (MariaDB's {@code DATETIME(6)}); {@code LocalTime} likewise; {@code OffsetDateTime}
 *       with {@code T} or a space, and PostgreSQL's/H2's {@code timestamptz} text in its offset;
 *   <li>{@code Instant} and {@code OffsetDateTime}: the {@code timestamptz} text at {@code +00} (what the
 *       migration plan's DDL writes on PostgreSQL and H2), and the UTC date-time without offset, with a
 *       space, its time in the four forms above (MariaDB's {@code DATETIME}, read in UTC);
 *   <li>{@code Double}, {@code Float}: Java's form, the plain decimal form, and the exponent forms
 *       {@code 1e+20}, {@code 1e20}, {@code 1e-05}, {@code 1e-5} (PostgreSQL, MariaDB);
 *   <li>{@code BigDecimal}: the plain form as given and without trailing zeros;
 *   <li>{@code UUID}: lower and upper case;
 *   <li>any other type: its one form ({@code FieldEncryptor.legacySearchForm}).
 * </ul>
 * Not enumerated (a row holding such a form is found once migrated, and read and migrated either way):
 * white space around the value, booleans in other mixed case ({@code tRuE}), date-times with an offset
 * other than the value's own and UTC, numbers with other zero padding or a leading {@code +}.
 */
public final class LegacyTextForms {

  private static final String[] TRUE = {"true", "t", "1", "yes", "y", "on"};
  private static final String[] FALSE = {"false", "f", "0", "no", "n", "off"};

  private LegacyTextForms() {}

  /** How many forms a value of this type has (at least 1). */
  public static int count(Class<?> type) {
    if (type == Boolean.class || type == boolean.class) {
      return 14; // 6 words: "1"/"0" in one case, t/y (f/n) in two, the others in three
    }
    if (type == LocalDateTime.class) {
      return 8; // 4 times of day, 2 separators
    }
    if (type == LocalTime.class) {
      return 4;
    }
    if (type == OffsetDateTime.class) {
      return 8; // Java's form with T or a space, the offset form in its offset, and the UTC forms
    }
    if (type == Instant.class) {
      return 6; // Java's form and the UTC forms
    }
    if (type == BigDecimal.class || type == UUID.class) {
      return 2;
    }
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
      return 4;
    }
    return 1;
  }

  /**
   * The text forms of a non-null value: {@code first} (the form {@code FieldEncryptor.legacySearchForm}
   * gives, as text) first, then the others, padded to {@link #count} with {@code first}.
   */
  public static List<String> of(Class<?> type, Object value, String first) {
    Set<String> out = new LinkedHashSet<>();
    out.add(first);
    if (value instanceof Boolean) {
      for (String w : (Boolean) value ? TRUE : FALSE) {
        out.add(w);
        out.add(w.toUpperCase(Locale.ROOT));
        out.add(Character.toUpperCase(w.charAt(0)) + w.substring(1));
      }
    } else if (value instanceof LocalDateTime) {
      LocalDateTime v = (LocalDateTime) value;
      for (String time : times(v.toLocalTime())) {
        out.add(v.toLocalDate() + "T" + time);
        out.add(v.toLocalDate() + " " + time);
      }
    } else if (value instanceof LocalTime) {
      out.addAll(times((LocalTime) value));
    } else if (value instanceof OffsetDateTime) {
      OffsetDateTime v = (OffsetDateTime) value;
      out.add(value.toString().replace('T', ' '));
      // PostgreSQL's and H2's timestamptz text, in the value's offset and in UTC (the plan's DDL)
      out.add(withOffset(v.toLocalDateTime(), v.getOffset().getTotalSeconds()));
      utcForms(v.toInstant(), out);
    } else if (value instanceof Instant) {
      utcForms((Instant) value, out);
    } else if (value instanceof BigDecimal) {
      BigDecimal stripped = ((BigDecimal) value).stripTrailingZeros();
      out.add(stripped.scale() < 0 ? stripped.setScale(0).toPlainString() : stripped.toPlainString());
    } else if (value instanceof UUID) {
      out.add(value.toString().toUpperCase(Locale.ROOT));
    } else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
      out.add(value.toString());
      BigDecimal d = new BigDecimal(value.toString()).stripTrailingZeros();
      out.add(d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString());
      if (d.signum() != 0) {
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = (d.signum() < 0 ? "-" : "") + digits.charAt(0)
            + (digits.length() > 1 ? "." + digits.substring(1) : "");
        String sign = exponent < 0 ? "-" : "+";
        int e = Math.abs(exponent);
        out.add(mantissa + "e" + sign + (e < 10 ? "0" : "") + e); // PostgreSQL: 1e+20, 1e-05
        out.add(mantissa + "e" + (exponent < 0 ? "-" : "") + e); // MariaDB: 1e20, 1e-5
      }
    }
    List<String> forms = new ArrayList<>(out);
    int n = count(type);
    if (forms.size() > n) {
      throw new IllegalStateException("more text forms than planned for " + type.getSimpleName());
    }
    while (forms.size() < n) {
      forms.add(first);
    }
    return forms;
  }

  /**
   * The forms of an instant in UTC: the {@code timestamptz} text of PostgreSQL and H2 at offset
   * {@code +00} (what the migration plan's DDL writes), and the date-time without offset (MariaDB's
   * {@code DATETIME}, a {@code TIMESTAMP} without time zone), taken in UTC, with a space.
   */
  private static void utcForms(Instant instant, Set<String> out) {
    LocalDateTime utc = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    out.add(withOffset(utc, 0));
    for (String time : times(utc.toLocalTime())) {
      out.add(utc.toLocalDate() + " " + time);
    }
  }

  /** PostgreSQL's timestamptz text: seconds always, fraction trimmed, offset {@code +HH} (or {@code +HH:MM}). */
  private static String withOffset(LocalDateTime local, int offsetSeconds) {
    int abs = Math.abs(offsetSeconds);
    String offset = (offsetSeconds < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", abs / 3600)
        + (abs % 3600 == 0 ? "" : String.format(Locale.ROOT, ":%02d", abs % 3600 / 60));
    LocalTime t = local.toLocalTime();
    String fraction = t.getNano() == 0 ? ""
        : "." + String.format(Locale.ROOT, "%09d", t.getNano()).replaceAll("0+$", "");
    return String.format(Locale.ROOT, "%s %02d:%02d:%02d%s%s", local.toLocalDate(), t.getHour(), t.getMinute(),
        t.getSecond(), fraction, offset);
  }

  /** A time as Java writes it, with seconds, and with its fraction trimmed, in groups of three, or to six digits. */
  private static List<String> times(LocalTime t) {
    Set<String> out = new LinkedHashSet<>();
    out.add(t.toString());
    String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
    int nano = t.getNano();
    if (nano == 0) {
      out.add(hms);
      out.add(hms + ".000000");
    } else {
      String nine = String.format(Locale.ROOT, "%09d", nano);
      out.add(hms + "." + nine.replaceAll("0+$", ""));
      if (nano % 1000 == 0) {
        out.add(hms + "." + nine.substring(0, 6));
      }
      out.add(hms + "." + nine);
    }
    return new ArrayList<>(out);
  }
}
