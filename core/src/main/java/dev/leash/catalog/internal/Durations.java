package dev.leash.catalog.internal;

import java.time.Duration;

/** Catalog durations, in the syntax of {@link dev.leash.approval.Durations}. Not part of Leash's API. */
public final class Durations {
  private Durations() {}

  /** The duration, or null when the text is none of the accepted forms. */
  public static Duration parse(String text) {
    return dev.leash.approval.Durations.parse(text).orElse(null);
  }

  /** {@code 15m}, {@code 1h} or {@code 90s}: the shortest exact spelling. */
  public static String format(Duration d) {
    return dev.leash.approval.Durations.format(d);
  }
}
