package dev.leasehold.catalog.internal;

import java.time.Duration;

/** Catalog durations, in the syntax of {@link dev.leasehold.approval.Durations}. Not part of Leasehold's API. */
public final class Durations {
  private Durations() {}

  /** The duration, or null when the text is none of the accepted forms. */
  public static Duration parse(String text) {
    return dev.leasehold.approval.Durations.parse(text).orElse(null);
  }

  /** {@code 15m}, {@code 1h} or {@code 90s}: the shortest exact spelling. */
  public static String format(Duration d) {
    return dev.leasehold.approval.Durations.format(d);
  }
}
