package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AssumeRoleFailedException.Category;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How STS refusals and faults become typed outcomes, with bounded attempts and an audit record each. */
class AssumeRoleFailureTest {
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private StsStub stub;

  @BeforeEach
  void setUp() {
    stub = new StsStub(sts);
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(403, "AccessDenied", "User: arn:aws:iam::123456789012:user/agents/hermes-dev-agent is not authorized to perform: sts:AssumeRole", Category.ACCESS_DENIED),
        Arguments.of(403, "AccessDenied", StsStub.MFA_INVALID, Category.MFA_CODE_REJECTED),
        Arguments.of(403, "AccessDenied", StsStub.MFA_UNVERIFIABLE, Category.MFA_CODE_REJECTED),
        Arguments.of(403, "ExpiredToken", "The security token included in the request is expired", Category.EXPIRED_BASE_CREDENTIALS),
        Arguments.of(400, "ExpiredTokenException", "The security token included in the request is expired", Category.EXPIRED_BASE_CREDENTIALS),
        Arguments.of(403, "RegionDisabledException", "STS is not activated in this region for account:123456789012.", Category.REGION_DISABLED),
        Arguments.of(400, "MalformedPolicyDocument", "The policy is not in the valid JSON format.", Category.MALFORMED_POLICY),
        Arguments.of(400, "PackedPolicyTooLarge", "Packed policy consumes 112% of allotted space, please use smaller policy.", Category.POLICY_TOO_LARGE),
        Arguments.of(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", Category.DURATION_TOO_LONG));
  }

  @ParameterizedTest(name = "{1} {0} -> {3}")
  @MethodSource("refusals")
  void refusalsMapToTheirCategoryAndAreNeverRetried(int status, String code, String message, Category expected) {
    stub.fails(status, "Sender", code, message);
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(AssumeRoleFailedException.class, e -> {
            assertThat(e.category()).isEqualTo(expected);
            assertThat(e.roleKey()).isEqualTo("s3-deploy");
          })
          .hasMessageContaining(code)
          .hasMessageNotContaining("111222");
    }
    assertThat(stub.assumeRoleRequests()).hasSize(1);
    AuditEvent last = audit.events().get(audit.events().size() - 1);
    assertThat(last.type()).isEqualTo(AuditEventType.ASSUME_FAILED);
    assertThat(last.outcome()).isEqualTo(expected.name().toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void throttlingTwiceThenSuccessGivesOneSessionAfterThreeRequests() {
    sts.stubFor(post(urlEqualTo("/")).inScenario("throttle").whenScenarioStateIs(STARTED)
        .willReturn(StsStub.error(400, "Sender", "Throttling", "Rate exceeded")).willSetStateTo("once"));
    sts.stubFor(post(urlEqualTo("/")).inScenario("throttle").whenScenarioStateIs("once")
        .willReturn(StsStub.error(400, "Sender", "Throttling", "Rate exceeded")).willSetStateTo("twice"));
    sts.stubFor(post(urlEqualTo("/")).inScenario("throttle").whenScenarioStateIs("twice")
        .willReturn(StsStub.success(Instant.now().plusSeconds(900))));
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON))) {
      assertThat(session.isOpen()).isTrue();
    }
    assertThat(stub.assumeRoleRequests()).hasSize(3);
    assertThat(stub.form(2)).containsEntry("TokenCode", "111222");
  }

  @Test
  void serverErrorsAreRetriedBoundedThenUnavailable() {
    stub.fails(500, "Receiver", "InternalFailure", "We encountered an internal error. Please try again.");
    long start = System.nanoTime();
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(AssumeRoleFailedException.class,
              e -> assertThat(e.category()).isEqualTo(Category.UNAVAILABLE))
          .hasMessageContaining("after 3 attempts");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Leasehold.FAST_RETRY.deadline());
    assertThat(stub.assumeRoleRequests()).hasSize(Leasehold.FAST_RETRY.maxAttempts());
  }

  @Test
  void aRetryAfterA5xxThatFailsOnTheCodeSaysTheCodeWasProbablyUsedUp() {
    sts.stubFor(post(urlEqualTo("/")).inScenario("consumed").whenScenarioStateIs(STARTED)
        .willReturn(StsStub.error(503, "Receiver", "ServiceUnavailable", "Service unavailable")).willSetStateTo("used"));
    sts.stubFor(post(urlEqualTo("/")).inScenario("consumed").whenScenarioStateIs("used")
        .willReturn(StsStub.error(403, "Sender", "AccessDenied", StsStub.MFA_INVALID)));
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(AssumeRoleFailedException.class,
              e -> assertThat(e.category()).isEqualTo(Category.MFA_CODE_REJECTED))
          .hasMessageContaining("probably used up by an earlier attempt")
          .hasMessageContaining("fresh code");
    }
    assertThat(stub.assumeRoleRequests()).hasSize(2);
  }

  @Test
  void connectionResetIsRetriedThenUnavailable() {
    stub.faults(Fault.CONNECTION_RESET_BY_PEER);
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(AssumeRoleFailedException.class,
              e -> assertThat(e.category()).isEqualTo(Category.UNAVAILABLE));
    }
    assertThat(stub.assumeRoleRequests()).hasSize(Leasehold.FAST_RETRY.maxAttempts());
  }

  @Test
  void aResponseSlowerThanTheTimeoutFailsTypedWithoutHanging() {
    sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.success(Instant.now().plusSeconds(900)).withFixedDelay(3_000)));
    RetrySettings tight = new RetrySettings(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofSeconds(2));
    long start = System.nanoTime();
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).retry(tight).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(AssumeRoleFailedException.class,
              e -> assertThat(e.category()).isEqualTo(Category.UNAVAILABLE));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(stub.assumeRoleRequests()).hasSizeBetween(1, 2);
  }

  @Test
  void truncatedAndMalformedResponsesAreTyped() {
    sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.xml(200, "<AssumeRoleResponse xmlns=\"" + StsStub.NS + "\"><AssumeRoleResult><Credentials><AccessKeyId>AS")));
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(AssumeRoleFailedException.class);
    }
    assertThat(audit.types()).endsWith(AuditEventType.ASSUME_FAILED);
  }
}
