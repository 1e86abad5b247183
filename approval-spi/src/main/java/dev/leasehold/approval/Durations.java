package dev.leasehold.approval;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one duration syntax every Leasehold setting accepts, in catalogs and in channel settings alike: a
 * whole number of seconds, minutes or hours ({@code 90s}, {@code 15m}, {@code 1h}) or ISO-8601
 * ({@code PT15M}). Channel implementations use it so that {@code timeout} reads the same everywhere.
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {
  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @param text such as {@code 90s}, {@code 15m}, {@code 1h} or {@code PT15M}; surrounding white space
   *     and letter case are ignored
   * @return the duration, or empty when {@code text} is none of those forms
   */
  public static Optional<Duration> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    int last = t.length() - 1;
    if (last >= 1 && last <= 9 && allDigits(t, last)) {
      long n = Long.parseLong(t.substring(0, last));
      switch (t.charAt(last)) {
        case 's': return Optional.of(Duration.ofSeconds(n));
        case 'm': return Optional.of(Duration.ofMinutes(n));
        case 'h': return Optional.of(Duration.ofHours(n));
        default: return Optional.empty();
      }
    }
    if (t.startsWith("pt") || t.startsWith("-pt") || t.startsWith("p")) {
      try {
        return Optional.of(Duration.parse(t));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** {@code 15m}, {@code 1h} or {@code 90s}: the shortest exact spelling of a whole number of seconds. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  private static boolean allDigits(String t, int end) {
    for (int i = 0; i < end; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
