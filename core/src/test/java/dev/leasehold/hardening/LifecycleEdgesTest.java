package dev.leasehold.hardening;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.ApprovalUnavailableException;
import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.AssumeRoleFailedException.Category;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.GuardRails;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.RetrySettings;
import dev.leasehold.SessionExpiredException;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.audit.internal.AuditChain;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Edges of the request and session life that the main suites pass through without pinning: the circuit
 * breaker's accounting of each kind of bad answer, what a session closes, the exact audit record, retry
 * deadlines and the wording that tells an agent what happened. Each test pins one behaviour that mutation
 * testing (-Ppit) showed could change unnoticed.
 */
class LifecycleEdgesTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private StsStub stub;

  @BeforeEach
  void setUp() {
    stub = new StsStub(sts).succeeds(900);
    s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
  }

  /** A channel that answers each request with the next scripted function of it, counting the asks. */
  static final class ScriptedChannel implements ApprovalChannel {
    final Deque<Function<ApprovalRequest, Decision>> script = new ArrayDeque<>();
    final AtomicInteger asked = new AtomicInteger();

    ScriptedChannel then(int times, Function<ApprovalRequest, Decision> answer) {
      for (int i = 0; i < times; i++) {
        script.add(answer);
      }
      return this;
    }

    @Override
    public synchronized Decision decide(ApprovalRequest request) {
      asked.incrementAndGet();
      return script.remove().apply(request);
    }

    @Override
    public void close() {}
  }

  static Decision fail(ApprovalRequest r) {
    throw new ApprovalChannelException(ApprovalChannelException.Kind.UNAVAILABLE, "channel down");
  }

  static Decision deny(ApprovalRequest r) {
    return new Decision.Denied(r.id(), "alice", "");
  }

  private AwsSessionFactory.Builder leasehold(ApprovalChannel channel) {
    return Leasehold.factory(stub.endpoint(), channel, audit)
        .guardRails(new GuardRails(100, Duration.ofMinutes(10), Duration.ZERO));
  }

  private static Throwable attempt(AwsSessionFactory leasehold, int n) {
    try {
      leasehold.open(AccessRequest.of("s3-deploy", REASON + " number " + n));
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Test
  void answersForAnotherRequestCountAsChannelFailuresAndOpenTheBreaker() {
    ScriptedChannel channel = new ScriptedChannel().then(3, r -> new Decision.Denied("someone-else", "alice", ""));
    try (AwsSessionFactory leasehold = leasehold(channel).build()) {
      for (int i = 0; i < 3; i++) {
        assertThat(attempt(leasehold, i)).isInstanceOf(ApprovalUnavailableException.class)
            .hasMessageContaining("with a decision for request someone-else");
      }
      assertThat(attempt(leasehold, 3)).isInstanceOf(ApprovalUnavailableException.class).hasMessageContaining("circuit breaker open");
    }
    assertThat(channel.asked).hasValue(3);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.REFUSED)
        .extracting(AuditEvent::outcome).containsExactly("channel-failed", "channel-failed", "channel-failed", "channel-failed");
  }

  @Test
  void approvalsWithoutTheRequiredCodeCountAsChannelFailuresAndOpenTheBreaker() {
    ScriptedChannel channel = new ScriptedChannel().then(3, r -> Decision.Approved.withoutCode(r.id(), "alice"));
    try (AwsSessionFactory leasehold = leasehold(channel).build()) {
      for (int i = 0; i < 3; i++) {
        assertThat(attempt(leasehold, i)).isInstanceOf(ApprovalUnavailableException.class).hasMessageContaining("without an MFA code");
      }
      assertThat(attempt(leasehold, 3)).hasMessageContaining("circuit breaker open");
    }
    assertThat(channel.asked).hasValue(3);
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }

  @Test
  void answeredRequestsCountAsSuccessesSoSparseFailuresNeverOpenTheBreaker() {
    // Window of 5, at least 3 calls, opens at 50 %: with the answers counted, no 5 consecutive calls hold 3 failures.
    ScriptedChannel channel = new ScriptedChannel()
        .then(1, LifecycleEdgesTest::fail).then(3, LifecycleEdgesTest::deny)
        .then(1, LifecycleEdgesTest::fail).then(3, LifecycleEdgesTest::deny)
        .then(1, LifecycleEdgesTest::fail).then(1, LifecycleEdgesTest::deny);
    try (AwsSessionFactory leasehold = leasehold(channel).build()) {
      for (int i = 0; i < 10; i++) {
        assertThat(attempt(leasehold, i)).isInstanceOfAny(ApprovalUnavailableException.class, ApprovalDeniedException.class)
            .hasMessageNotContaining("circuit breaker open");
      }
    }
    assertThat(channel.asked).hasValue(10);
  }

  @Test
  void aDenialNoteIsQuotedAndAnEmptyOneIsLeftOut() {
    ScriptedChannel channel = new ScriptedChannel()
        .then(1, r -> new Decision.Denied(r.id(), "alice", "change freeze until Monday"))
        .then(1, r -> new Decision.Denied(r.id(), "bob", ""));
    try (AwsSessionFactory leasehold = leasehold(channel).build()) {
      assertThat(attempt(leasehold, 1)).isInstanceOf(ApprovalDeniedException.class)
          .hasMessageContaining("was denied by alice (note: \"change freeze until Monday\"). Do not retry");
      assertThat(attempt(leasehold, 2)).isInstanceOf(ApprovalDeniedException.class)
          .hasMessageContaining("was denied by bob. Do not retry");
    }
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.DENIED)
        .extracting(AuditEvent::cause).containsExactly("change freeze until Monday", null);
  }

  @Test
  void aDeniedTaskInItsCooldownIsAuditedAsDeniedAgainWithoutAsking() {
    ScriptedChannel channel = new ScriptedChannel().then(1, r -> new Decision.Denied(r.id(), "alice", "no"));
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), channel, audit).build()) {
      assertThat(attempt(leasehold, 1)).isInstanceOf(ApprovalDeniedException.class);
      assertThat(attempt(leasehold, 1)).isInstanceOf(ApprovalDeniedException.class)
          .hasMessageContaining("was denied by alice (note: \"no\") and is in its cool-down");
    }
    assertThat(channel.asked).hasValue(1);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.DENIED).extracting(AuditEvent::outcome)
        .containsExactly("denied", "cool-down");
  }

  @Test
  void timeoutsAreWordedInMinutesOrSeconds() {
    try (AwsSessionFactory minute = leasehold(FakeApprover.expiring()).approvalTimeout(Duration.ofSeconds(60)).build();
         AwsSessionFactory seconds = leasehold(FakeApprover.expiring()).approvalTimeout(Duration.ofSeconds(90)).build()) {
      assertThat(attempt(minute, 1)).isInstanceOf(ApprovalTimedOutException.class).hasMessageContaining("within 1m.");
      assertThat(attempt(seconds, 1)).isInstanceOf(ApprovalTimedOutException.class).hasMessageContaining("within 1m 30s.");
    }
  }

  @Test
  void anOutOfScopeIntentWithResourcesNamesThem() {
    try (AwsSessionFactory leasehold = leasehold(FakeApprover.approving("111222")).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.builder().role("s3-deploy").reason(REASON)
          .intent("s3:DeleteObject").resources("arn:aws:s3:::hermes-dev-deploy/old/*").build()))
          .isInstanceOf(OutOfScopeException.class)
          .hasMessageStartingWith("Role 's3-deploy' does not allow s3:DeleteObject on arn:aws:s3:::hermes-dev-deploy/old/*. ");
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "ec2:DescribeInstances")))
          .isInstanceOf(OutOfScopeException.class)
          .hasMessage("Role 's3-deploy' does not allow ec2:DescribeInstances. Ask for role ec2-read instead; "
              + "do not ask to widen this one.");
    }
  }

  @Test
  void aSessionKnowsItsRoleAndPrintsNoSecret() {
    try (AwsSessionFactory leasehold = leasehold(FakeApprover.scripted().approver("alice").approve("111222").build()).build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"))) {
      assertThat(session.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy");
      assertThat(session.roleKey()).isEqualTo("s3-deploy");
      assertThat(session.approver()).isEqualTo("alice");
      assertThat(session.intent()).containsExactly("s3:PutObject");
      assertThat(session.toString()).isEqualTo("AgentSession[id=" + session.id() + ", role=s3-deploy, approver=alice, "
          + "intent=[s3:PutObject], expiresAt=" + session.expiresAt() + ", open=true]");
    }
  }

  @Test
  void closingASessionClosesTheClientsItBuiltAndRefusesNewOnes() {
    AtomicInteger closedHttpClients = new AtomicInteger();
    try (AwsSessionFactory leasehold = leasehold(FakeApprover.approving("111222")).build()) {
      AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"));
      S3Client client = session.client(S3Client.builder().endpointOverride(URI.create("http://localhost:" + s3.getPort()))
          .forcePathStyle(true).httpClientBuilder(new CountingHttpClientBuilder(closedHttpClients)));
      client.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));

      session.close();

      assertThat(closedHttpClients).hasValue(1);
      assertThatThrownBy(() -> session.client(S3Client.builder())).isInstanceOf(SessionExpiredException.class)
          .hasMessageContaining("is closed");
      assertThatThrownBy(() -> client.getObject(b -> b.bucket("hermes-dev-deploy").key("a")))
          .isInstanceOf(SessionExpiredException.class);
    }
  }

  @Test
  void aThrottledAttemptDoesNotMakeALaterMfaRejectionLookLikeASpentCode() {
    sts.stubFor(post(urlEqualTo("/")).inScenario("t").whenScenarioStateIs(STARTED)
        .willReturn(StsStub.error(400, "Sender", "Throttling", "Rate exceeded")).willSetStateTo("throttled"));
    sts.stubFor(post(urlEqualTo("/")).inScenario("t").whenScenarioStateIs("throttled")
        .willReturn(StsStub.error(403, "Sender", "AccessDenied", StsStub.MFA_INVALID)));
    try (AwsSessionFactory leasehold = leasehold(FakeApprover.approving("111222")).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(AssumeRoleFailedException.class, e -> assertThat(e.category()).isEqualTo(Category.MFA_CODE_REJECTED))
          .hasMessageContaining("after 2 attempts").hasMessageNotContaining("used up");
    }
  }

  @Test
  void theOverallDeadlineStopsRetriesBeforeTheAttemptsRunOut() {
    sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.error(503, "Receiver", "ServiceUnavailable", "later")
        .withFixedDelay(300)));
    RetrySettings settings = new RetrySettings(10, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1),
        Duration.ofSeconds(1));
    long start = System.nanoTime();
    try (AwsSessionFactory leasehold = leasehold(FakeApprover.approving("111222")).retry(settings).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(AssumeRoleFailedException.class, e -> assertThat(e.category()).isEqualTo(Category.UNAVAILABLE))
          .hasMessageContaining("did not succeed within the 1 s deadline")
          .hasMessageContaining("last: ServiceUnavailable: later");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(stub.assumeRoleRequests()).hasSizeBetween(2, 6);
  }

  @Test
  void aResponseMissingOnlyItsExpirationNamesJustThat() {
    sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.xml(200, StsStub.success(Instant.now().plusSeconds(900)).build().getBody()
            .replaceAll("<Expiration>[^<]*</Expiration>", ""))));
    try (AwsSessionFactory leasehold = leasehold(FakeApprover.approving("111222")).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(AssumeRoleFailedException.class)
          .hasMessageContaining("without complete credentials (missing Expiration) after 1 attempt;");
    }
  }

  @Test
  void aResponseMissingTheSecretsNamesThemWithoutValues() {
    sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.xml(200, StsStub.success(Instant.now().plusSeconds(900)).build().getBody()
            .replaceAll("<AccessKeyId>[^<]*</AccessKeyId>", "")
            .replaceAll("<SecretAccessKey>[^<]*</SecretAccessKey>", "")
            .replaceAll("<SessionToken>[^<]*</SessionToken>", ""))));
    try (AwsSessionFactory leasehold = leasehold(FakeApprover.approving("111222")).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(AssumeRoleFailedException.class)
          .hasMessageContaining("(missing AccessKeyId, SecretAccessKey, SessionToken)");
    }
  }

  @Test
  void anAuditRecordHoldsEveryFieldInItsOrderAndLeavesOutWhatDoesNotApply() {
    AuditEvent full = AuditEvent.builder(AuditEventType.CALL_REFUSED, Instant.parse("2026-01-01T00:00:00Z"))
        .requestId("r-1").agent("hermes").roleKey("s3-deploy").roleArn("arn:aws:iam::1:role/x").reason("why not")
        .intent(List.of("s3:GetObject", "s3:PutObject")).resources(List.of("arn:aws:s3:::b/*")).approver("alice")
        .outcome("out-of-scope").cause("not in intent").action("s3:DeleteObject").build();
    String line = AuditChain.line(7, full, AuditChain.GENESIS);
    assertThat(line).startsWith("{\"seq\":7,\"time\":\"2026-01-01T00:00:00Z\",\"type\":\"call-refused\",\"requestId\":\"r-1\","
        + "\"agent\":\"hermes\",\"role\":\"s3-deploy\",\"roleArn\":\"arn:aws:iam::1:role/x\",\"reason\":\"why not\","
        + "\"intent\":[\"s3:GetObject\",\"s3:PutObject\"],\"resources\":[\"arn:aws:s3:::b/*\"],\"approver\":\"alice\","
        + "\"outcome\":\"out-of-scope\",\"cause\":\"not in intent\",\"action\":\"s3:DeleteObject\",\"prev\":\"" + AuditChain.GENESIS
        + "\",\"hash\":\"");
    assertThat(AuditChain.storedHash(line)).isEqualTo(AuditChain.computedHash(line));

    String bare = AuditChain.line(1, AuditEvent.builder(AuditEventType.CLOSED, Instant.parse("2026-01-01T00:00:00Z"))
        .intent(List.of()).resources(List.of()).build(), AuditChain.GENESIS);
    assertThat(bare).startsWith("{\"seq\":1,\"time\":\"2026-01-01T00:00:00Z\",\"type\":\"closed\",\"prev\":\"");
  }

  /** Builds UrlConnection clients that count their close(), to see what a closing session closes. */
  static final class CountingHttpClientBuilder implements SdkHttpClient.Builder<CountingHttpClientBuilder> {
    private final AtomicInteger closed;

    CountingHttpClientBuilder(AtomicInteger closed) {
      this.closed = closed;
    }

    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      SdkHttpClient delegate = UrlConnectionHttpClient.builder().buildWithDefaults(serviceDefaults);
      return new SdkHttpClient() {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
          return delegate.prepareRequest(request);
        }

        @Override
        public void close() {
          closed.incrementAndGet();
          delegate.close();
        }
      };
    }
  }
}
