package dev.leasehold.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.CallBudget;
import dev.leasehold.SessionExpiredException;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.TestCatalogs;
import dev.leasehold.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * A lease's provider serves from a field while a watch vouches for it, and never after the lease's expiry
 * or its close: the watch drops the field inside the guard band, close() drops it before it returns.
 */
class LeaseFastPathTest {
  private static final AwsSessionCredentials LEASE = AwsSessionCredentials.create("ASIAFASTPATH", "secret", "token");
  private final InMemoryAuditSink audit = new InMemoryAuditSink();

  private LeasedSession session(Clock clock, Instant expiry, ExpiryWatch watch) {
    LeaseIssuer.Lease lease = new LeaseIssuer.Lease(LEASE, expiry, "arn:aws:sts::123456789012:assumed-role/r/s");
    return new LeasedSession("req-1", TestCatalogs.reference().role("s3-deploy").orElseThrow(), "alice",
        List.of("s3:GetObject"), List.of(), lease, clock, Region.US_EAST_1, new Auditor(audit, clock, "hermes"),
        new ActionMapper(Map.of()), CallBudget.DEFAULTS, s -> {}, watch);
  }

  @Test
  void theWatchDropsTheFastPathInsideTheGuardBandAndTheClockDecidesFromThere() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    ExpiryWatch watch = ExpiryWatch.manual(Duration.ofSeconds(60));
    LeasedSession session = session(clock, clock.instant().plusSeconds(900), watch);
    AwsCredentialsProvider provider = session.leaseProvider();

    assertThat(session.leaseServedFromFastPath()).isTrue();
    assertThat(provider.resolveCredentials()).isSameAs(LEASE);
    clock.advance(Duration.ofSeconds(839)); // 61 s left: outside the guard band
    watch.sweep();
    assertThat(session.leaseServedFromFastPath()).isTrue();
    assertThat(watch.size()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1)); // 60 s left: the guard band starts
    watch.sweep();
    assertThat(session.leaseServedFromFastPath()).isFalse();
    assertThat(watch.size()).isZero();
    assertThat(provider.resolveCredentials()).isSameAs(LEASE); // still valid, now read against the clock

    clock.advance(Duration.ofSeconds(59)); // 1 s left
    assertThat(provider.resolveCredentials()).isSameAs(LEASE);
    clock.advance(Duration.ofSeconds(1)); // expired: refused on the very next call, no sweep needed
    assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SessionExpiredException.class)
        .hasMessageContaining("expired at");
  }

  @Test
  void aLeaseBornInsideTheGuardBandNeverUsesTheFastPath() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    ExpiryWatch watch = ExpiryWatch.manual(Duration.ofSeconds(60));
    LeasedSession session = session(clock, clock.instant().plusSeconds(30), watch);

    assertThat(session.leaseServedFromFastPath()).isFalse();
    assertThat(watch.size()).isZero();
    clock.advance(Duration.ofSeconds(30));
    assertThatThrownBy(session.leaseProvider()::resolveCredentials).isInstanceOf(SessionExpiredException.class);
  }

  @Test
  void anInjectedClockIsReadOnEveryCall() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    assertThat(ExpiryWatch.forClock(clock)).isNull();
    assertThat(ExpiryWatch.forClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))).isNull();
    assertThat(ExpiryWatch.forClock(Clock.systemUTC())).isSameAs(ExpiryWatch.system());
    assertThat(ExpiryWatch.forClock(Clock.systemDefaultZone())).isSameAs(ExpiryWatch.system());

    LeasedSession session = session(clock, clock.instant().plusSeconds(900), ExpiryWatch.forClock(clock));
    assertThat(session.leaseServedFromFastPath()).isFalse();
    assertThat(session.leaseProvider().resolveCredentials()).isSameAs(LEASE);
    clock.advance(Duration.ofSeconds(900));
    assertThatThrownBy(session.leaseProvider()::resolveCredentials).isInstanceOf(SessionExpiredException.class)
        .hasMessageContaining("expired at");
  }

  @Test
  void aClosedLeaseRefusesAtOnceOnTheSystemClock() {
    LeasedSession session = session(Clock.systemUTC(), Instant.now().plusSeconds(900), ExpiryWatch.system());
    AwsCredentialsProvider provider = session.leaseProvider();
    assertThat(session.leaseServedFromFastPath()).isTrue();
    assertThat(provider.resolveCredentials()).isSameAs(LEASE);

    session.close();

    assertThat(session.leaseServedFromFastPath()).isFalse();
    assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SessionExpiredException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void anExpiredByTheCacheLeaseRefusesAtOnce() {
    ExpiryWatch watch = ExpiryWatch.manual(Duration.ofSeconds(60));
    LeasedSession session = session(Clock.systemUTC(), Instant.now().plusSeconds(900), watch);
    assertThat(session.leaseServedFromFastPath()).isTrue();

    session.expire();

    assertThat(watch.size()).isZero();
    assertThatThrownBy(session.leaseProvider()::resolveCredentials).isInstanceOf(SessionExpiredException.class)
        .hasMessageContaining("expired at");
  }

  @Test
  void theSystemWatchSweepsOnItsOwnThread() throws InterruptedException {
    // Real time: the one way to see that the system watch's thread runs. The lease enters its guard band
    // half a second after it is made; the sweep every second must drop the fast path within a few seconds.
    LeasedSession session = session(Clock.systemUTC(), Instant.now().plusMillis(60_500), ExpiryWatch.system());
    assertThat(session.leaseServedFromFastPath()).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (session.leaseServedFromFastPath() && System.nanoTime() - deadline < 0) {
      Thread.sleep(50);
    }
    assertThat(session.leaseServedFromFastPath()).isFalse();
    assertThat(session.leaseProvider().resolveCredentials()).isSameAs(LEASE);
    session.close();
  }

  @Test
  void noCallStartedAfterCloseReturnedGetsTheLease() throws Exception {
    ExecutorService readers = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 50; round++) {
        LeasedSession session = session(Clock.systemUTC(), Instant.now().plusSeconds(900), ExpiryWatch.system());
        AwsCredentialsProvider provider = session.leaseProvider();
        AtomicBoolean closeReturned = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(2);
        Future<?>[] reads = new Future<?>[2];
        for (int r = 0; r < 2; r++) {
          reads[r] = readers.submit(() -> {
            started.countDown();
            while (true) {
              boolean afterClose = closeReturned.get();
              try {
                provider.resolveCredentials();
                if (afterClose) {
                  throw new AssertionError("the lease was served after close() returned");
                }
              } catch (SessionExpiredException e) {
                return null;
              }
            }
          });
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        session.close();
        closeReturned.set(true);
        for (Future<?> read : reads) {
          read.get(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      readers.shutdownNow();
    }
  }
}
