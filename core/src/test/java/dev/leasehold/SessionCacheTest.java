package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import dev.leasehold.testing.MutableClock;
import dev.leasehold.support.StsStub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.utils.AttributeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reuse, single-flight, expiry and the guard rails around the human. */
class SessionCacheTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private StsStub stub;

  @BeforeEach
  void setUp() {
    stub = new StsStub(sts);
  }

  @Test
  void twoHundredConcurrentOpensForOneTaskShareOneApprovalAndOneAssumeRole() throws Exception {
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.scripted().approve("111222").latency(Duration.ofMillis(200)).build();
    int threads = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).build()) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        ids.add(pool.submit(() -> {
          start.await();
          return leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")).id();
        }));
      }
      start.countDown();
      Set<String> distinct = ConcurrentHashMap.newKeySet();
      for (Future<String> id : ids) {
        distinct.add(id.get(30, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(stub.assumeRoleRequests()).hasSize(1);
  }

  @Test
  void aDifferentTaskGetsItsOwnApproval() {
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).build()) {
      AgentSession a = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      AgentSession same = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      AgentSession otherIntent = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"));
      AgentSession otherReason = leasehold.open(AccessRequest.of("s3-deploy", "download the 1.4.1 artifacts for a rollback test", "s3:PutObject"));
      assertThat(same).isSameAs(a);
      assertThat(List.of(a.id(), otherIntent.id(), otherReason.id())).doesNotHaveDuplicates();
    }
    assertThat(approver.requestCount()).isEqualTo(3);
  }

  @Test
  void aSessionWithinTheSkewOfItsExpiryIsNotHandedOutAndAfterExpiryAHumanIsAskedAgain() {
    MutableClock clock = new MutableClock(Instant.now());
    sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.success(clock.instant().plusSeconds(900))));
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).clock(clock).build()) {
      AgentSession first = leasehold.open(AccessRequest.of("s3-deploy", REASON));
      clock.advance(Duration.ofSeconds(830));
      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON))).isSameAs(first);
      clock.advance(Duration.ofSeconds(20)); // 50 s left: inside the 60 s skew
      sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.success(clock.instant().plusSeconds(900))));
      AgentSession second = leasehold.open(AccessRequest.of("s3-deploy", REASON));
      assertThat(second.id()).isNotEqualTo(first.id());
      assertThat(approver.requestCount()).isEqualTo(2);

      clock.advance(Duration.ofSeconds(900));
      assertThat(second.isOpen()).isFalse();
      assertThatThrownBy(() -> second.exportCredentials("check that the lease resolves to the planted test credentials").resolveCredentials())
          .isInstanceOf(SessionExpiredException.class).hasMessageContaining("never refreshed silently");
      sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.success(clock.instant().plusSeconds(900))));
      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON)).id()).isNotIn(first.id(), second.id());
      assertThat(approver.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void aDeniedTaskIsRefusedDuringTheCooldownWithoutAskingAgain() {
    MutableClock clock = new MutableClock(Instant.now());
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.scripted().deny("no deploys on Friday").approve("111222").clock(clock).build();
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).clock(clock).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON))).isInstanceOf(ApprovalDeniedException.class);
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(ApprovalDeniedException.class, e -> assertThat(e.note()).isEqualTo("no deploys on Friday"))
          .hasMessageContaining("cool-down");
      assertThat(approver.requestCount()).isEqualTo(1);

      clock.advance(GuardRails.DEFAULTS.denialCooldown().plusSeconds(1));
      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON)).isOpen()).isTrue();
      assertThat(approver.requestCount()).isEqualTo(2);
    }
    assertThat(stub.assumeRoleRequests()).hasSize(1);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.DENIED).extracting(e -> e.outcome())
        .containsExactly("denied", "cool-down");
  }

  @Test
  void promptsBeyondThePerRoleRateAreRefusedWithoutAsking() {
    FakeApprover approver = FakeApprover.expiring();
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit)
        .guardRails(new GuardRails(2, Duration.ofMinutes(10), Duration.ofMinutes(10))).build()) {
      for (int i = 0; i < 2; i++) {
        String reason = REASON + " attempt " + i;
        assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", reason))).isInstanceOf(ApprovalTimedOutException.class);
      }
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON + " attempt 3")))
          .isInstanceOf(ApprovalRateLimitedException.class).hasMessageContaining("MFA fatigue");
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("ec2-read", "list running instances in the staging account")))
          .isInstanceOf(ApprovalTimedOutException.class);
    }
    assertThat(approver.requestCount()).isEqualTo(3);
  }

  @Test
  void aFailingChannelOpensTheCircuitAndIsNotHammered() {
    AtomicInteger calls = new AtomicInteger();
    ApprovalChannel broken = new ApprovalChannel() {
      @Override
      public Decision decide(ApprovalRequest request) {
        calls.incrementAndGet();
        throw new ApprovalChannelException(ApprovalChannelException.Kind.UNAVAILABLE, "chat service unreachable");
      }

      @Override
      public void close() {}
    };
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), broken, audit)
        .guardRails(new GuardRails(100, Duration.ofMinutes(10), Duration.ofMinutes(10))).build()) {
      for (int i = 0; i < 3; i++) {
        String reason = REASON + " try " + i;
        assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", reason)))
            .isInstanceOf(ApprovalUnavailableException.class).hasMessageContaining("chat service unreachable");
      }
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON + " try 4")))
          .isInstanceOf(ApprovalUnavailableException.class).hasMessageContaining("circuit breaker open");
    }
    assertThat(calls).hasValue(3);
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }

  @Test
  void aChannelThatIgnoresItsDeadlineIsCutOff() {
    ApprovalChannel stuck = new ApprovalChannel() {
      @Override
      public Decision decide(ApprovalRequest request) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Decision.Approved.withCode(request.id(), "late", dev.leasehold.approval.MfaCode.of("123456"));
      }

      @Override
      public void close() {}
    };
    MutableClock clock = new MutableClock(Instant.now());
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), stuck, audit).clock(clock)
        .approvalTimeout(Duration.ofMillis(1)).build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON))).isInstanceOf(ApprovalTimedOutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }

  @Test
  void afterTheFirstLeaseExpiresFiftyConcurrentOpensShareOneNewApprovalAndTheRenewedLeaseIsReused() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.success(clock.instant().plusSeconds(900))));
    FakeApprover approver = FakeApprover.scripted().approve("111222").approve("222333").approve("333444")
        .latency(Duration.ofMillis(150)).clock(clock).build();
    int threads = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AgentSession renewed;
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).clock(clock).build()) {
      AgentSession first = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      // A client whose HTTP client takes a while to close: the first lease's end (run by the cache after its
      // expiry) then finishes while the renewed lease is already being asked for or in use.
      first.client(S3Client.builder().httpClientBuilder(new SlowClosingHttp(Duration.ofMillis(600))));
      clock.advance(Duration.ofSeconds(901));
      sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.success(clock.instant().plusSeconds(900))));

      CountDownLatch start = new CountDownLatch(1);
      List<Future<AgentSession>> opened = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        opened.add(pool.submit(() -> {
          start.await();
          return leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
        }));
      }
      start.countDown();
      Set<String> distinct = ConcurrentHashMap.newKeySet();
      for (Future<AgentSession> f : opened) {
        distinct.add(f.get(30, TimeUnit.SECONDS).id());
      }
      assertThat(distinct).hasSize(1).doesNotContain(first.id());
      renewed = opened.get(0).get();
      assertThat(approver.requestCount()).isEqualTo(2);
      assertThat(stub.assumeRoleRequests()).hasSize(2);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (audit.events().stream().noneMatch(e -> e.type() == AuditEventType.CLOSED && first.id().equals(e.requestId()))) {
        assertThat(System.nanoTime()).as("the first lease is ended by the cache").isLessThan(deadline);
        Thread.onSpinWait();
      }
      first.close(); // ending the expired lease must not forget the renewed one
      for (int i = 0; i < 5; i++) {
        clock.advance(Duration.ofSeconds(60));
        assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"))).isSameAs(renewed);
      }
      assertThat(approver.requestCount()).isEqualTo(2);
      assertThat(stub.assumeRoleRequests()).hasSize(2);
    } finally {
      pool.shutdownNow();
    }
    assertThat(renewed.isOpen()).as("closing the factory ends the renewed lease").isFalse();
  }

  @Test
  void anErrorInTheRequestInFlightFailsItsJoinersAtOnce() throws Exception {
    stub.succeeds(900);
    CountDownLatch inSink = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AuditSink failing = event -> {
      if (event.type() == AuditEventType.REQUESTED) {
        inSink.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new StackOverflowError("sink blew its stack");
      }
    };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), failing)
        .approvalTimeout(Duration.ofSeconds(30)).build()) {
      Future<AgentSession> owner = pool.submit(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)));
      assertThat(inSink.await(10, TimeUnit.SECONDS)).isTrue();
      AtomicReference<Thread> joinerThread = new AtomicReference<>();
      Future<AgentSession> joiner = pool.submit(() -> {
        joinerThread.set(Thread.currentThread());
        return leasehold.open(AccessRequest.of("s3-deploy", REASON));
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (joinerThread.get() == null || joinerThread.get().getState() != Thread.State.TIMED_WAITING) {
        assertThat(System.nanoTime()).as("the joiner waits on the flight").isLessThan(deadline);
        Thread.onSpinWait();
      }
      release.countDown();
      assertThatThrownBy(() -> owner.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StackOverflowError.class);
      long start = System.nanoTime();
      assertThatThrownBy(() -> joiner.get(10, TimeUnit.SECONDS))
          .cause().isInstanceOf(ApprovalUnavailableException.class).hasMessageContaining("failed unexpectedly");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRewordedReasonDoesNotEscapeTheDenialCooldown() {
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.scripted().deny("no deploys on Friday").approve("111222").build();
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
          .isInstanceOf(ApprovalDeniedException.class);
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy",
          "urgent hotfix upload of release 1.4.2 artifacts, approved by the team lead", "s3:PutObject")))
          .isInstanceOf(ApprovalDeniedException.class).hasMessageContaining("cool-down");
      assertThat(approver.requestCount()).isEqualTo(1);
      // Another intent is another task: the human is asked about it.
      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject")).isOpen()).isTrue();
      assertThat(approver.requestCount()).isEqualTo(2);
    }
  }
  @Test
  void closingTheFactoryEndsItsSessions() {
    stub.succeeds(900);
    AgentSession session;
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).build()) {
      session = leasehold.open(AccessRequest.of("s3-deploy", REASON));
    }
    assertThat(session.isOpen()).isFalse();
    assertThat(audit.types()).endsWith(AuditEventType.CLOSED);
  }

  /** Builds HTTP clients that take {@code delay} to close. */
  static final class SlowClosingHttp implements SdkHttpClient.Builder<SlowClosingHttp> {
    private final Duration delay;

    SlowClosingHttp(Duration delay) {
      this.delay = delay;
    }

    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap defaults) {
      SdkHttpClient real = UrlConnectionHttpClient.create();
      return new SdkHttpClient() {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
          return real.prepareRequest(request);
        }

        @Override
        public void close() {
          try {
            Thread.sleep(delay.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          real.close();
        }
      };
    }
  }
}
