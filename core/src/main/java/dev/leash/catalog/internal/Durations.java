package dev.leash.catalog.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses catalog durations: {@code 15m}, {@code 900s}, {@code 1h} or ISO-8601 {@code PT15M}. Not part of Leash's API. */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,6})([smh])");

  private Durations() {}

  /** The duration, or null when the text is none of the accepted forms. */
  public static Duration parse(String text) {
    Matcher m = SHORT.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    if (text.startsWith("PT") || text.startsWith("pt")) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** {@code 15m}, {@code 1h} or {@code 90s}: the shortest exact spelling. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
