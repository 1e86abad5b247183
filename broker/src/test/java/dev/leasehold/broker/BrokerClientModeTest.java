package dev.leasehold.broker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.BrokerUnavailableException;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.SessionExpiredException;
import dev.leasehold.UnsafeCredentialsException;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.support.TestCatalogs;
import dev.leasehold.testing.FakeApprover;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * AwsSessionFactory in client mode: the agent's factory holds no identity and no channel; the broker (in this
 * JVM, with a FakeApprover) asks and assumes; the guarded S3 client runs in the agent and its calls reach an S3
 * stand-in signed with the lease.
 */
class BrokerClientModeTest {
  static final String TOKEN = "hermes-client-token-0123456789abcdefghijklmnop";
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension wiremock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  final InMemoryAuditSink brokerAudit = new InMemoryAuditSink();
  final InMemoryAuditSink agentAudit = new InMemoryAuditSink();
  final FakeApprover approver = FakeApprover.approving("481516");
  AwsSessionFactory brokerFactory;
  LeaseBroker broker;
  AwsSessionFactory agent;

  @BeforeEach
  void setUp() {
    wiremock.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(StsStub.success(Instant.now().plusSeconds(900))));
    wiremock.stubFor(put(urlPathMatching("/hermes-dev-deploy/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("ETag", "\"0123456789abcdef0123456789abcdef\"")));
    brokerFactory = Leasehold.factory(URI.create(wiremock.baseUrl()), approver, brokerAudit).build();
    broker = LeaseBroker.builder().sessions(brokerFactory).auditSink(brokerAudit).client("hermes", TOKEN).start();
    agent = AwsSessionFactory.builder().catalog(TestCatalogs.reference()).broker(broker.uri(), TOKEN)
        .auditSink(agentAudit).environment(Map.of()).systemProperties(new Properties()).build();
  }

  @AfterEach
  void tearDown() {
    agent.close();
    broker.close();
    brokerFactory.close();
  }

  S3Client s3(AgentSession session) {
    return session.client(S3Client.builder().endpointOverride(URI.create(wiremock.baseUrl()))
        .forcePathStyle(true));
  }

  @Test
  void openAsksTheBrokerAndGuardedClientsWorkAsInProcess() {
    try (AgentSession session = agent.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"))) {
      S3Client s3 = s3(session);
      s3.putObject(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.zip"), RequestBody.fromString("zip"));

      assertThatThrownBy(() -> s3.deleteObject(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.zip")))
          .isInstanceOf(CallOutsideScopeException.class);
      assertThat(session.roleArn()).isEqualTo(TestCatalogs.S3_DEPLOY_ARN);
      assertThat(session.approver()).isEqualTo("fake-approver");
    }
    List<LoggedRequest> puts = wiremock.findAll(putRequestedFor(urlPathMatching("/hermes-dev-deploy/.*")));
    assertThat(puts).singleElement().satisfies(r -> {
      assertThat(r.getHeader("Authorization")).contains("Credential=" + StsStub.ACCESS_KEY_ID + "/");
      assertThat(r.getHeader("X-Amz-Security-Token")).isEqualTo(StsStub.SESSION_TOKEN);
    });
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(agentAudit.events()).anySatisfy(e -> assertThat(e.outcome()).isNotNull());
    assertThat(brokerAudit.types()).contains(dev.leasehold.audit.AuditEventType.ASSUMED,
        dev.leasehold.audit.AuditEventType.CLOSED);
  }

  @Test
  void closingTheSessionEndsTheLeaseAtTheBrokerAndItsCredentialsStopResolving() {
    AgentSession session = agent.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
    var exported = session.exportCredentials("hand the lease to a subprocess that uploads the release");
    assertThat(exported.resolveCredentials().accessKeyId()).isEqualTo(StsStub.ACCESS_KEY_ID);
    session.close();

    assertThatThrownBy(() -> exported.resolveCredentials())
        .isInstanceOf(SessionExpiredException.class);
    assertThat(brokerAudit.types()).containsSubsequence(dev.leasehold.audit.AuditEventType.ASSUMED,
        dev.leasehold.audit.AuditEventType.CLOSED);
  }

  @Test
  void refusalsArriveAsTheLibrarysOwnTypedErrors() {
    assertThatThrownBy(() -> agent.open(AccessRequest.of("s3-deploy", REASON, "s3:DeleteObject")))
        .isInstanceOf(OutOfScopeException.class).hasMessageContaining("does not allow s3:DeleteObject");
    assertThat(approver.requestCount()).isZero();
  }

  @Test
  void anUnreachableBrokerIsATypedError() {
    broker.close();

    assertThatThrownBy(() -> agent.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
        .isInstanceOf(BrokerUnavailableException.class).hasMessageContaining("unavailable")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void clientModeHoldsNoIdentityAndRefusesCredentialVariables() {
    assertThatThrownBy(() -> AwsSessionFactory.builder().catalog(TestCatalogs.reference()).broker(broker.uri(), TOKEN)
        .approvalChannel(approver).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("holds none");
    assertThatThrownBy(() -> AwsSessionFactory.builder().catalog(TestCatalogs.reference()).broker(broker.uri(), TOKEN)
        .environment(Map.of("AWS_ACCESS_KEY_ID", "AKIAPLANTED000000001")).systemProperties(new Properties()).build())
        .isInstanceOf(UnsafeCredentialsException.class);
  }
}
