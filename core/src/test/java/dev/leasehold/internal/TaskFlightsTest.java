package dev.leasehold.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.CallBudget;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.TestCatalogs;
import dev.leasehold.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * The lease cache with single flight on its own: concurrent callers of one task share one flight, a failed
 * flight is not cached, a lease leaves the cache at the skew before its expiry, and a session's release removes
 * only its own entry.
 */
class TaskFlightsTest {
  private static final Duration SKEW = Duration.ofSeconds(60);
  private static final TaskKey TASK = new TaskKey("s3-deploy", "publish release 1.4.2", List.of("s3:PutObject"),
      List.of(), Duration.ofMinutes(15));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private final TaskFlights flights = new TaskFlights(clock, SKEW, Duration.ofSeconds(30));
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
    flights.close();
  }

  private LeasedSession lease(String id, Runnable release) {
    LeaseIssuer.Lease lease = new LeaseIssuer.Lease(AwsSessionCredentials.create("ASIA" + id, "secret", "token"),
        clock.instant().plusSeconds(900), "arn:aws:sts::123456789012:assumed-role/r/" + id);
    return new LeasedSession(id, TestCatalogs.reference().role("s3-deploy").orElseThrow(), "alice",
        List.of("s3:PutObject"), List.of(), lease, clock, Region.US_EAST_1, new Auditor(audit, clock, "hermes"),
        new ActionMapper(Map.of()), CallBudget.DEFAULTS, s -> release.run(), ExpiryWatch.manual(SKEW));
  }

  /** Waits (with a deadline) until the thread in {@code thread} is parked, waiting for the flight in the air. */
  private static void awaitWaiting(AtomicReference<Thread> thread) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.get() == null || thread.get().getState() != Thread.State.TIMED_WAITING) {
      assertThat(System.nanoTime()).as("the joiner never waited for the flight").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void fiftyConcurrentCallersOfOneTaskShareOneFlight() throws Exception {
    int callers = 50;
    AtomicInteger asked = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(callers);
    List<Future<LeasedSession>> results = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      results.add(pool.submit(() -> {
        started.countDown();
        return flights.share(TASK, release -> {
          asked.incrementAndGet();
          await(started); // the flight lands only after every caller has arrived
          return lease("req-1", release);
        });
      }));
    }
    List<LeasedSession> sessions = new ArrayList<>();
    for (Future<LeasedSession> r : results) {
      sessions.add(r.get(10, TimeUnit.SECONDS));
    }

    assertThat(asked).hasValue(1);
    assertThat(sessions).allSatisfy(s -> assertThat(s).isSameAs(sessions.get(0)));
    assertThat(flights.live(TASK)).isSameAs(sessions.get(0));
  }

  @Test
  void aFailedFlightReachesItsJoinersAndIsNotCached() throws Exception {
    CountDownLatch inAir = new CountDownLatch(1);
    CountDownLatch land = new CountDownLatch(1);
    ApprovalDeniedException no = new ApprovalDeniedException("denied", "req-1", "alice", "");
    Future<?> owner = pool.submit(() -> flights.share(TASK, release -> {
      inAir.countDown();
      await(land);
      throw no;
    }));
    assertThat(inAir.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicReference<Thread> joiner = new AtomicReference<>();
    AtomicInteger joinerAsked = new AtomicInteger();
    Future<Throwable> joined = pool.submit(() -> {
      joiner.set(Thread.currentThread());
      try {
        flights.share(TASK, release -> {
          joinerAsked.incrementAndGet();
          return lease("req-2", release);
        });
        return null;
      } catch (RuntimeException e) {
        return e;
      }
    });
    awaitWaiting(joiner);
    land.countDown();

    assertThatThrownBy(() -> owner.get(10, TimeUnit.SECONDS)).cause().isSameAs(no);
    assertThat(joined.get(10, TimeUnit.SECONDS)).isSameAs(no);
    assertThat(joinerAsked).hasValue(0);
    assertThat(flights.live(TASK)).isNull();

    AtomicInteger asked = new AtomicInteger();
    LeasedSession next = flights.share(TASK, release -> {
      asked.incrementAndGet();
      return lease("req-3", release);
    });
    assertThat(asked).as("the next caller starts a new flight").hasValue(1);
    assertThat(next.id()).isEqualTo("req-3");
  }

  @Test
  void aLeaseLeavesTheCacheAtTheSkewBeforeItsExpiryAndTheNextCallerStartsANewFlight() {
    LeasedSession first = flights.share(TASK, release -> lease("req-1", release));
    clock.advance(Duration.ofSeconds(839)); // 61 s left
    assertThat(flights.live(TASK)).isSameAs(first);
    assertThat(flights.share(TASK, release -> lease("req-unused", release))).isSameAs(first);

    clock.advance(Duration.ofSeconds(1)); // 60 s left: within the skew
    assertThat(flights.live(TASK)).isNull();
    LeasedSession renewed = flights.share(TASK, release -> lease("req-2", release));
    assertThat(renewed).isNotSameAs(first);
    assertThat(flights.live(TASK)).isSameAs(renewed);

    first.close(); // the first lease's release must not drop the renewed lease's entry
    assertThat(flights.live(TASK)).isSameAs(renewed);
    renewed.close();
    assertThat(flights.live(TASK)).isNull();
  }

  @Test
  void aLeaseEvictedAtItsSkewIsExpired() {
    LeasedSession first = flights.share(TASK, release -> lease("req-1", release));
    clock.advance(Duration.ofSeconds(840));
    LeasedSession renewed = flights.share(TASK, release -> lease("req-2", release));

    // Caffeine runs the removal listener on its executor: the first lease ends soon after its eviction
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (audit.events().stream().noneMatch(e -> "expired".equals(e.outcome()) && "req-1".equals(e.requestId()))) {
      assertThat(System.nanoTime()).as("the evicted lease was never expired").isLessThan(deadline);
      flights.live(TASK); // lets the cache run its maintenance
      Thread.onSpinWait();
    }
    assertThat(first.usableFor(Duration.ZERO)).isFalse();
    assertThat(renewed.usableFor(SKEW)).isTrue();
  }

  @Test
  void aCallerWaitsForTheFlightInTheAirNoLongerThanTheJoinTimeout() throws Exception {
    TaskFlights quick = new TaskFlights(clock, SKEW, Duration.ofMillis(200));
    CountDownLatch inAir = new CountDownLatch(1);
    CountDownLatch land = new CountDownLatch(1);
    Future<LeasedSession> owner = pool.submit(() -> quick.share(TASK, release -> {
      inAir.countDown();
      await(land);
      return lease("req-1", release);
    }));
    try {
      assertThat(inAir.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> quick.share(TASK, release -> lease("req-2", release)))
          .isInstanceOf(ApprovalTimedOutException.class)
          .hasMessageContaining("for the approval already in flight for the same task on role 's3-deploy'");
    } finally {
      land.countDown();
    }
    assertThat(owner.get(10, TimeUnit.SECONDS).id()).as("the flight itself still lands").isEqualTo("req-1");
    quick.close();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
