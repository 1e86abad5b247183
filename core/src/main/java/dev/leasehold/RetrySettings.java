package dev.leasehold;

import java.time.Duration;
import java.util.Objects;

/**
 * How Leasehold retries {@code AssumeRole}: throttling, 5xx and I/O failures are retried up to
 * {@code maxAttempts} times with exponential backoff and jitter between {@code initialBackoff} and
 * {@code maxBackoff}, each attempt bounded by {@code attemptTimeout} and all of them by
 * {@code deadline}. MFA, access-denied and validation errors are never retried.
 *
 * @param maxAttempts attempts in all, 1 to 10
 * @param initialBackoff the first backoff, positive
 * @param maxBackoff the largest backoff, at least {@code initialBackoff}
 * @param attemptTimeout how long one STS call may take, positive
 * @param deadline how long all attempts together may take, at least {@code attemptTimeout}
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration attemptTimeout, Duration deadline) {
  /** 4 attempts, 200 ms doubling to 2 s, 5 s per attempt, 30 s in all. */
  public static final RetrySettings DEFAULTS =
      new RetrySettings(4, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30));

  /** Validates the settings. */
  public RetrySettings {
    Objects.requireNonNull(initialBackoff, "initialBackoff == null");
    Objects.requireNonNull(maxBackoff, "maxBackoff == null");
    Objects.requireNonNull(attemptTimeout, "attemptTimeout == null");
    Objects.requireNonNull(deadline, "deadline == null");
    if (maxAttempts < 1 || maxAttempts > 10) {
      throw new IllegalArgumentException("maxAttempts must be between 1 and 10, was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive, was " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must be at least initialBackoff (" + initialBackoff + ")");
    }
    if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("attemptTimeout must be positive, was " + attemptTimeout);
    }
    if (deadline.compareTo(attemptTimeout) < 0) {
      throw new IllegalArgumentException("deadline (" + deadline + ") must be at least attemptTimeout (" + attemptTimeout + ")");
    }
  }
}
