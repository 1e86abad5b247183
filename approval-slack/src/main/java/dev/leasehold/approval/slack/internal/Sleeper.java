package dev.leasehold.approval.slack.internal;

import java.time.Duration;

/**
 * Waits between two attempts of a Slack Web API call.
 *
 * <p>The one place where the channel lets time pass before a retry, so that tests can record the wait and
 * move their clock instead of sleeping. {@link #THREAD} is the real one. Implementations must be
 * thread-safe and must throw {@link InterruptedException} when the waiting thread is interrupted.
 */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps on the calling thread. */
  Sleeper THREAD = wait -> Thread.sleep(wait.toMillis());

  /**
   * Waits.
   *
   * @param wait how long; never negative
   * @throws InterruptedException when the thread was interrupted while waiting
   */
  void sleep(Duration wait) throws InterruptedException;
}
