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
 * <p>It also holds the only two ways Leasehold writes a duration: {@link #format(Duration)}, the exact settings
 * spelling ({@code 90s}, {@code 15m}, {@code 1h}, which {@link #parse(String)} reads back), and
 * {@link #human(Duration)}, the spelling of every message, prompt and countdown a person reads
 * ({@code 1m 30s}, {@code 15m}, {@code 1h 5m}). Core's errors, the console and Slack all use these two, so a
 * lease of fifteen minutes reads {@code 15m} wherever it appears.
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

  /**
   * {@code 45s}, {@code 4m 59s}, {@code 15m}, {@code 1h 5m}, {@code 1h 30s}: each of hours, minutes and seconds
   * that is not zero, largest first, separated by a space; {@code 0s} for zero. Exact to the second
   * (a fraction of a second is dropped); a negative duration is spelled {@code 0s}, as a countdown that has run
   * out. For messages to people; settings are written with {@link #format(Duration)}.
   */
  public static String human(Duration d) {
    long seconds = Math.max(0, d.getSeconds());
    StringBuilder out = new StringBuilder();
    part(out, seconds / 3600, "h");
    part(out, seconds % 3600 / 60, "m");
    part(out, seconds % 60, "s");
    return out.length() == 0 ? "0s" : out.toString();
  }

  private static void part(StringBuilder out, long n, String unit) {
    if (n > 0) {
      out.append(out.length() > 0 ? " " : "").append(n).append(unit);
    }
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
