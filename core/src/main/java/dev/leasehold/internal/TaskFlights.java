package dev.leasehold.internal;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Step 2 of DESIGN.md's request flow within one process: the lease cache with single flight.
 *
 * <ul>
 *   <li><b>What is cached, keyed how:</b> one entry per {@link TaskKey}, a Caffeine future of the task's flight.
 *   <li><b>One flight:</b> the first caller of a task runs the {@link Asker}; every caller that arrives while it
 *       runs waits for it (at most the join timeout) and gets its lease, or the same exception.
 *   <li><b>Failures are not cached:</b> a failed flight leaves the cache before its waiters wake up, so the next
 *       caller starts a new one. An {@link Error} in the asker still wakes its waiters, with
 *       {@code ApprovalUnavailableException}, instead of leaving them to their deadline.
 *   <li><b>Expiry:</b> a lease stays until the expiry skew before its expiration (on the cache's clock), then
 *       is evicted and {@linkplain LeasedSession#expire() expired}. A lease a waiter finds unusable is dropped
 *       and the waiter starts over.
 *   <li><b>Release:</b> a flight's session removes only its own entry when it ends, so the end of a task's first
 *       lease never drops the renewed lease of the same task.
 * </ul>
 *
 * <p>Its one reason to change: how the callers of one task in this process share one approval and one lease.
 * Who asks, and how the fleet joins in, is the asker's business ({@link SessionService}). Thread-safe.
 */
final class TaskFlights {
  /** Runs the flight of a task: returns the lease, or throws what every caller of the task gets. */
  @FunctionalInterface
  interface Asker {
    /**
     * @param release removes this flight's entry (and nothing newer) from the cache; for the session's close
     */
    LeasedSession ask(Runnable release);
  }

  /**
   * One task's shared attempt: a session, or the failure every joined caller gets. Failures complete the
   * future normally (and leave the cache at once), so Caffeine does not log a normal "no" as an error.
   */
  private record Flight(LeasedSession session, RuntimeException failure) {}

  private final Clock clock;
  private final Duration skew;
  private final Duration joinTimeout;
  private final AsyncCache<TaskKey, Flight> flights;

  /**
   * @param skew how long before its expiration a lease is no longer handed out
   * @param joinTimeout how long a caller waits for a flight of the same task
   */
  TaskFlights(Clock clock, Duration skew, Duration joinTimeout) {
    this.clock = clock;
    this.skew = skew;
    this.joinTimeout = joinTimeout;
    this.flights = Caffeine.newBuilder()
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(new Expiry<TaskKey, Flight>() {
          @Override
          public long expireAfterCreate(TaskKey key, Flight flight, long now) {
            return remaining(flight);
          }

          @Override
          public long expireAfterUpdate(TaskKey key, Flight flight, long now, long current) {
            return remaining(flight);
          }

          @Override
          public long expireAfterRead(TaskKey key, Flight flight, long now, long current) {
            return current;
          }
        })
        .removalListener((TaskKey key, Flight flight, RemovalCause cause) -> {
          if (flight != null && flight.session() != null && cause.wasEvicted()) {
            flight.session().expire();
          }
        })
        .buildAsync();
  }

  private long remaining(Flight flight) {
    if (flight.session() == null) {
      return 0;
    }
    LeasedSession session = flight.session();
    long millis = session.expiresAt().toEpochMilli() - skew.toMillis() - clock.millis();
    return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
  }

  /**
   * The fast path of a cache hit: the landed, usable lease of {@code task}, or null (nothing cached, a flight
   * still in the air, or a lease within the skew of its expiry). Never waits and never starts a flight.
   */
  LeasedSession live(TaskKey task) {
    CompletableFuture<Flight> cached = flights.getIfPresent(task);
    if (cached == null || !cached.isDone() || cached.isCompletedExceptionally()) {
      return null;
    }
    Flight flight = cached.getNow(null);
    LeasedSession session = flight == null ? null : flight.session();
    if (session == null || !session.usableFor(skew)) {
      return null;
    }
    return session;
  }

  /**
   * The lease of {@code task}: joins the flight in the air, or takes a usable landed lease, or runs
   * {@code asker} as the task's one flight.
   *
   * @throws RuntimeException what the flight threw (to its runner and to every caller that joined it), or
   *     {@code ApprovalTimedOutException} when the flight did not land within the join timeout
   */
  LeasedSession share(TaskKey task, Asker asker) {
    while (true) {
      CompletableFuture<Flight> mine = new CompletableFuture<>();
      CompletableFuture<Flight> existing = flights.asMap().putIfAbsent(task, mine);
      if (existing != null) {
        Flight shared = await(existing, task.roleKey());
        if (shared.failure() != null) {
          throw shared.failure();
        }
        if (shared.session().usableFor(skew)) {
          return shared.session();
        }
        flights.asMap().remove(task, existing);
        continue;
      }
      try {
        LeasedSession session = asker.ask(() -> flights.asMap().remove(task, mine));
        mine.complete(new Flight(session, null));
        return session;
      } catch (RuntimeException e) {
        flights.asMap().remove(task, mine);
        mine.complete(new Flight(null, e));
        throw e;
      } catch (Error e) {
        // Joined callers must not wait out their deadline for a flight that will never land.
        flights.asMap().remove(task, mine);
        mine.complete(new Flight(null, Answers.flightBroke(task.roleKey(), e)));
        throw e;
      }
    }
  }

  private Flight await(CompletableFuture<Flight> inFlight, String roleKey) {
    try {
      return inFlight.get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      throw new IllegalStateException("The shared request for role '" + roleKey + "' failed: " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw Answers.joinTimedOut(roleKey, joinTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Answers.joinInterrupted(roleKey);
    }
  }

  /** Closes every landed lease and empties the cache. */
  void close() {
    for (CompletableFuture<Flight> f : flights.asMap().values()) {
      if (f.isDone() && f.join().session() != null) {
        f.join().session().close();
      }
    }
    flights.synchronous().invalidateAll();
  }
}
