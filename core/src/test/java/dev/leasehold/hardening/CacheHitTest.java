package dev.leasehold.hardening;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.GuardRails;
import dev.leasehold.SessionExpiredException;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.support.Leasehold;
import dev.leasehold.testing.MutableClock;
import dev.leasehold.support.StsStub;
import dev.leasehold.support.TestCatalogs;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache-hit fast path of {@code open()} (added for benchmark B2: a hit no longer re-validates the
 * reason, re-renders the session policy or draws a request id). These pin what it must keep: a hit is
 * exactly the same task, asks nobody and writes nothing; anything else takes the full path.
 */
class CacheHitTest {
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private StsStub stub;

  @BeforeEach
  void setUp() {
    stub = new StsStub(sts).succeeds(900);
  }

  @Test
  void aHitReturnsTheLiveSessionWithoutAskingAnyoneOrWritingAnything() {
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).build()) {
      AgentSession first = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject", "s3:GetObject"));
      int events = audit.events().size();

      AgentSession again = leasehold.open(AccessRequest.of("s3-deploy", "  " + REASON + " ", "s3:GetObject", "s3:PutObject"));

      assertThat(again).isSameAs(first);
      assertThat(audit.events()).hasSize(events);
    }
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(stub.assumeRoleRequests()).hasSize(1);
  }

  @Test
  void anotherIntentResourceOrDurationIsAnotherTask() {
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit)
        .guardRails(new GuardRails(10, Duration.ofMinutes(10), Duration.ofMinutes(10))).build()) {
      AgentSession first = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));

      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))).isNotSameAs(first);
      assertThat(leasehold.open(AccessRequest.builder().role("s3-deploy").reason(REASON).intent("s3:PutObject")
          .resources("arn:aws:s3:::hermes-dev-deploy/releases/*").build())).isNotSameAs(first);
      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON))).isNotSameAs(first);
      assertThat(leasehold.open(AccessRequest.builder().role("s3-deploy").reason(REASON).intent("s3:PutObject")
          .duration(Duration.ofMinutes(15)).build())).as("the role's default duration is the same task").isSameAs(first);
    }
    assertThat(approver.requestCount()).isEqualTo(4);
  }

  @Test
  void aHitOnARoleWhoseGrantEndedIsRefusedAndAudited() {
    Instant now = Instant.now();
    MutableClock clock = new MutableClock(now);
    RoleCatalog reference = TestCatalogs.reference();
    RoleCatalog.Builder b = RoleCatalog.builder(reference.agent()).defaultRegion(reference.defaultRegion())
        .broker(reference.broker());
    reference.roles().values().forEach(r -> b.role(r.key().equals("s3-deploy")
        ? r.toBuilder().notAfter(now.plus(Duration.ofMinutes(5))).build() : r));
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit)
        .catalog(b.build()).clock(clock).build()) {
      AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      clock.advance(Duration.ofMinutes(6));
      assertThat(session.isOpen()).as("the lease itself still runs").isTrue();

      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("temporary grant");
    }
    assertThat(audit.types()).contains(AuditEventType.REFUSED);
  }

  @Test
  void aClosedOrNearlyExpiredSessionIsNotAHit() {
    MutableClock clock = new MutableClock(Instant.now());
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).clock(clock).build()) {
      AgentSession first = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      first.close();
      AgentSession second = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      assertThat(second).isNotSameAs(first);

      clock.advance(Duration.ofSeconds(900 - 30));
      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"))).isNotSameAs(second);
    }
    assertThat(approver.requestCount()).isEqualTo(3);
  }

  @Test
  void anInvalidRequestNeverHitsEvenWhenASessionOfTheRoleIsLive() {
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).build()) {
      leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));

      assertThatThrownBy(() -> leasehold.open(AccessRequest.builder().role("s3-deploy").reason(REASON)
          .intent("s3:PutObject").duration(Duration.ofHours(2)).build())).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON + "\u001b[2J", "s3:PutObject")))
          .isInstanceOf(InvalidRequestException.class);
    }
  }

  /**
   * The cache ends a session when its lease comes within the skew of expiry; holders then get the expiry
   * message, not "closed" (before, which message they got depended on when the cache's maintenance ran).
   */
  @Test
  void aSessionEndedByTheCacheAtItsExpirySaysItExpired() throws InterruptedException {
    MutableClock clock = new MutableClock(Instant.now());
    sts.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/")).willReturn(StsStub.success(clock.instant().plusSeconds(900))));
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).clock(clock).build()) {
      AgentSession first = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      clock.advance(Duration.ofSeconds(850));
      leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      for (int i = 0; i < 200 && first.isOpen(); i++) {
        Thread.sleep(10);
      }

      assertThat(first.isOpen()).isFalse();
      assertThatThrownBy(() -> first.exportCredentials("check that the lease resolves to the planted test credentials").resolveCredentials())
          .isInstanceOf(SessionExpiredException.class).hasMessageContaining("never refreshed silently");
    }
  }
}
