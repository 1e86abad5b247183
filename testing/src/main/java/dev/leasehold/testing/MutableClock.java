package dev.leasehold.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move forward by hand instead of sleeping: give it to {@link FakeApprover}, to a
 * channel's builder and to {@code AwsSessionFactory.Builder.clock(...)}, then {@link #advance(Duration)}
 * past a deadline, a lease expiry or a cool-down.
 *
 * <p>Thread-safe. Always in UTC.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;

  /** A clock standing at {@code start}. */
  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start == null"));
  }

  /** A clock standing at the current system time. */
  public static MutableClock startingNow() {
    return new MutableClock(Instant.now());
  }

  /**
   * Moves the clock forward.
   *
   * @param by how far; must not be negative
   */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a clock only moves forward, was " + by);
    }
    now.updateAndGet(t -> t.plus(by));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** Returns this clock: it is always in UTC. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public String toString() {
    return "MutableClock[" + now.get() + "]";
  }
}
