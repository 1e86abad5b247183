package dev.leasehold.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Lets a lease's credentials provider skip the clock read on its hot path, without ever serving credentials
 * after the lease's expiry.
 *
 * <p>A watched lease serves its credentials from a field while it is further than {@link #guardBand()} from
 * its expiry. A sweep reads each watched lease's own clock and, once the lease is within the guard band (or
 * closed), drops the field: from then on every call reads the clock (the slow path). {@link #system()}
 * sweeps every {@link #SYSTEM_PERIOD} on one daemon thread, which runs only while some lease is watched.
 * Credentials could be served after expiry only if that thread fell more than the guard band minus one
 * period behind (59 seconds), which is why only leases on the system clock are watched: their time moves
 * with the sweeper's. A clock that can jump (an injected one, such as a test's) is read on every call.
 *
 * <p>Thread-safe.
 */
public final class ExpiryWatch {
  /** How close to its expiry a lease on the system clock starts reading the clock on every call. */
  public static final Duration SYSTEM_GUARD_BAND = Duration.ofSeconds(60);
  /** How often {@link #system()} sweeps. */
  public static final Duration SYSTEM_PERIOD = Duration.ofSeconds(1);

  private static final Class<?> SYSTEM_CLOCK = Clock.systemUTC().getClass();

  /** A watched lease: where to drop its fast path, and when. */
  interface Watched {
    /** The clock the lease lives by. */
    Clock clock();

    /** The epoch millisecond from which the lease must read the clock on every call. */
    long fastUntilMillis();

    /** Whether the lease was closed (the fast path is already gone). */
    boolean isClosed();

    /** Drops the fast path: every later call reads the clock. */
    void dropFastPath();
  }

  private final long guardBandMillis;
  private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
  private final boolean scheduled;
  // Guarded by this.
  private ScheduledThreadPoolExecutor executor;
  private ScheduledFuture<?> sweeping;

  private ExpiryWatch(Duration guardBand, boolean scheduled) {
    this.guardBandMillis = guardBand.toMillis();
    this.scheduled = scheduled;
  }

  private static final class SystemHolder {
    static final ExpiryWatch SYSTEM = new ExpiryWatch(SYSTEM_GUARD_BAND, true);
  }

  /** The watch for leases on the system clock: sweeps itself every {@link #SYSTEM_PERIOD}. */
  public static ExpiryWatch system() {
    return SystemHolder.SYSTEM;
  }

  /** The watch for a lease on {@code clock}: {@link #system()} for the system clock, else null (no fast path). */
  public static ExpiryWatch forClock(Clock clock) {
    return clock.getClass() == SYSTEM_CLOCK ? system() : null;
  }

  /** A watch that sweeps only when {@link #sweep()} is called (tests drive it together with their clock). */
  public static ExpiryWatch manual(Duration guardBand) {
    return new ExpiryWatch(guardBand, false);
  }

  /** How close to its expiry a watched lease starts reading the clock on every call. */
  public Duration guardBand() {
    return Duration.ofMillis(guardBandMillis);
  }

  /** The epoch millisecond from which a lease expiring at {@code expiresAtMillis} reads the clock. */
  long fastUntil(long expiresAtMillis) {
    return expiresAtMillis - guardBandMillis;
  }

  /** Watches {@code lease} until it is closed or within the guard band of its expiry. */
  void watch(Watched lease) {
    watched.add(lease);
    if (scheduled) {
      synchronized (this) {
        if (sweeping == null) {
          if (executor == null) {
            executor = new ScheduledThreadPoolExecutor(1, r -> {
              Thread t = new Thread(r, "leasehold-lease-expiry");
              t.setDaemon(true);
              return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            executor.setKeepAliveTime(10, TimeUnit.SECONDS); // no thread left behind while nothing is watched
            executor.allowCoreThreadTimeOut(true);
          }
          long period = SYSTEM_PERIOD.toMillis();
          sweeping = executor.scheduleWithFixedDelay(this::sweepAndStopWhenIdle, period, period, TimeUnit.MILLISECONDS);
        }
      }
    }
  }

  /** Stops watching {@code lease} (it was closed and dropped its fast path itself). */
  void forget(Watched lease) {
    watched.remove(lease);
  }

  /** How many leases still serve from their fast path. */
  int size() {
    return watched.size();
  }

  /**
   * Reads each watched lease's clock and drops the fast path of every lease that is closed or within the
   * guard band of its expiry.
   */
  public void sweep() {
    for (Watched lease : watched) {
      boolean drop;
      try {
        drop = lease.isClosed() || lease.clock().millis() >= lease.fastUntilMillis();
      } catch (RuntimeException e) {
        drop = true; // a clock that fails is read on every call, where its failure reaches the caller
      }
      if (drop) {
        lease.dropFastPath();
        watched.remove(lease);
      }
    }
  }

  private void sweepAndStopWhenIdle() {
    try {
      sweep();
    } finally {
      synchronized (this) {
        if (watched.isEmpty() && sweeping != null) {
          sweeping.cancel(false);
          sweeping = null;
        }
      }
    }
  }
}
