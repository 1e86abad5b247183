package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/** The guard interceptor on clients built from a session. */
class GuardedClientTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();

  @BeforeEach
  void setUp() {
    new StsStub(sts).succeeds(900);
    s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
  }

  private S3Client s3(AgentSession session) {
    return session.client(S3Client.builder().endpointOverride(URI.create("http://localhost:" + s3.getPort())).forcePathStyle(true));
  }

  private AwsSessionFactory.Builder leasehold() {
    return Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving("111222"), audit);
  }

  @Test
  void callOutsideTheIntentIsRefusedAndNeverReachesTheEndpoint() {
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))) {
      S3Client client = s3(session);
      client.getObject(b -> b.bucket("hermes-dev-deploy").key("a.txt"));

      assertThatThrownBy(() -> client.deleteObject(b -> b.bucket("hermes-dev-deploy").key("a.txt")))
          .isInstanceOfSatisfying(CallOutsideScopeException.class, e -> assertThat(e.action()).isEqualTo("s3:DeleteObject"))
          .hasMessageContaining("outside the session's declared intent [s3:GetObject]");
    }
    assertThat(s3.findAll(deleteRequestedFor(anyUrl()))).isEmpty();
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_ALLOWED)
        .extracting(AuditEvent::action).containsExactly("s3:GetObject");
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_REFUSED)
        .extracting(AuditEvent::action).containsExactly("s3:DeleteObject");
  }

  @Test
  void sdkOperationsMapToTheirIamActions() {
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:ListBucket", "s3:GetObject"))) {
      S3Client client = s3(session);
      client.listObjectsV2(b -> b.bucket("hermes-dev-deploy"));
      client.headObject(b -> b.bucket("hermes-dev-deploy").key("a.txt"));
    }
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_ALLOWED)
        .extracting(AuditEvent::action).containsExactly("s3:ListBucket", "s3:GetObject");
  }

  @Test
  void callOutsideTheRoleIsRefusedEvenWithoutAnIntent() {
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON))) {
      S3Client client = s3(session);
      client.putObject(b -> b.bucket("hermes-dev-deploy").key("ok.txt"), RequestBody.fromString("ok"));
      assertThatThrownBy(() -> client.putObject(b -> b.bucket("some-other-bucket").key("x"), RequestBody.fromString("x")))
          .isInstanceOf(CallOutsideScopeException.class)
          .hasMessageContaining("s3:PutObject on arn:aws:s3:::some-other-bucket/x is not allowed by role 's3-deploy'");
      assertThatThrownBy(() -> client.deleteObject(b -> b.bucket("hermes-dev-deploy").key("ok.txt")))
          .isInstanceOf(CallOutsideScopeException.class);
    }
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
  }

  @Test
  void declaredResourcesNarrowTheCalls() {
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.builder().role("s3-deploy").reason(REASON)
             .intent("s3:PutObject").resources("arn:aws:s3:::hermes-dev-deploy/releases/*").build())) {
      S3Client client = s3(session);
      client.putObject(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.zip"), RequestBody.fromString("z"));
      assertThatThrownBy(() -> client.putObject(b -> b.bucket("hermes-dev-deploy").key("index.html"), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("outside the session's declared resources");
    }
  }

  @Test
  void aCallToAnotherServiceIsRefusedWhenAnIntentWasDeclared() {
    // An STS client built from the session: sts:GetCallerIdentity is neither in the intent nor in the role.
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))) {
      StsClient client = session.client(StsClient.builder().endpointOverride(URI.create("http://localhost:" + s3.getPort())));
      assertThatThrownBy(client::getCallerIdentity).isInstanceOf(CallOutsideScopeException.class);
    }
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).isEmpty();
  }

  @Test
  void callBudgetExhaustionIsTypedAndAudited() {
    try (AwsSessionFactory leasehold = leasehold().callBudget(new CallBudget(3, 1, 100)).build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject", "s3:PutObject"))) {
      S3Client client = s3(session);
      client.putObject(b -> b.bucket("hermes-dev-deploy").key("a"), RequestBody.fromString("a"));
      assertThatThrownBy(() -> client.putObject(b -> b.bucket("hermes-dev-deploy").key("b"), RequestBody.fromString("b")))
          .isInstanceOf(CallBudgetExhaustedException.class).hasMessageContaining("1 mutating calls is used up");
      client.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
      assertThatThrownBy(() -> client.getObject(b -> b.bucket("hermes-dev-deploy").key("a")))
          .isInstanceOf(CallBudgetExhaustedException.class).hasMessageContaining("budget of 3 calls is used up");
    }
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_REFUSED)
        .extracting(AuditEvent::outcome).containsExactly("mutating-budget", "budget");
  }

  @Test
  void callRateLimitIsTypedAndAudited() {
    try (AwsSessionFactory leasehold = leasehold().callBudget(new CallBudget(100, 10, 2)).build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))) {
      S3Client client = s3(session);
      client.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
      client.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
      assertThatThrownBy(() -> client.getObject(b -> b.bucket("hermes-dev-deploy").key("a")))
          .isInstanceOf(CallBudgetExhaustedException.class).hasMessageContaining("2 calls per second");
    }
    assertThat(s3.findAll(anyRequestedFor(urlPathEqualTo("/hermes-dev-deploy/a")))).hasSize(2);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_REFUSED)
        .extracting(AuditEvent::outcome).containsExactly("rate");
  }

  @Test
  void clientsAreCachedPerBuilderTypeAndRegion() {
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))) {
      URI endpoint = URI.create("http://localhost:" + s3.getPort());
      S3Client home = session.client(S3Client.builder().endpointOverride(endpoint).forcePathStyle(true));
      S3Client west = session.client(S3Client.builder().endpointOverride(endpoint).forcePathStyle(true),
          software.amazon.awssdk.regions.Region.US_WEST_2);
      assertThat(west).isNotSameAs(home);
      assertThat(session.client(S3Client.builder(), software.amazon.awssdk.regions.Region.US_WEST_2)).isSameAs(west);
      west.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
      home.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
    }
    var seen = s3.findAll(anyRequestedFor(anyUrl()));
    assertThat(seen.get(0).getHeader("Authorization")).contains("/us-west-2/s3/aws4_request");
    assertThat(seen.get(1).getHeader("Authorization")).contains("/us-east-1/s3/aws4_request");
  }

  @Test
  void clientsOfAClosedSessionRefuseEveryCall() {
    S3Client client;
    try (AwsSessionFactory leasehold = leasehold().build()) {
      AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"));
      client = s3(session);
      session.close();
    }
    assertThatThrownBy(() -> client.getObject(b -> b.bucket("hermes-dev-deploy").key("a")))
        .isInstanceOf(SessionExpiredException.class).hasMessageContaining("is closed");
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).isEmpty();
  }
}
