package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.support.TestCatalogs;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.s3.S3Client;

class SessionFactoryTest {
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private StsStub stub;

  @BeforeEach
  void setUp() {
    stub = new StsStub(sts);
  }

  private AwsSessionFactory factory(FakeApprover approver) {
    return Leasehold.factory(stub.endpoint(), approver, audit).build();
  }

  @Test
  void approvedRequestReachesStsWithMfaCodeDurationAndTags() {
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.scripted().approver("alice").approve("492817").build();
    try (AwsSessionFactory leasehold = factory(approver);
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON))) {
      assertThat(stub.assumeRoleRequests()).hasSize(1);
      Map<String, String> form = stub.form(0);
      assertThat(form).containsEntry("Action", "AssumeRole")
          .containsEntry("Version", "2011-06-15")
          .containsEntry("RoleArn", TestCatalogs.S3_DEPLOY_ARN)
          .containsEntry("DurationSeconds", "900")
          .containsEntry("SerialNumber", TestCatalogs.MFA_SERIAL)
          .containsEntry("TokenCode", "492817")
          .containsEntry("SourceIdentity", "hermes")
          .containsEntry("RoleSessionName", "leasehold-" + session.id())
          .containsEntry("Tags.member.1.Key", "leasehold:request-id")
          .containsEntry("Tags.member.1.Value", session.id())
          .containsEntry("Tags.member.2.Key", "leasehold:approver")
          .containsEntry("Tags.member.2.Value", "alice")
          .doesNotContainKey("ExternalId");
      assertThat(form.get("RoleSessionName")).matches("[\\w+=,.@-]{2,64}");

      ApprovalRequest asked = approver.lastRequest();
      assertThat(asked.id()).isEqualTo(session.id());
      assertThat(asked.roleKey()).isEqualTo("s3-deploy");
      assertThat(asked.reason()).isEqualTo(REASON);
      assertThat(asked.duration()).isEqualTo(Duration.ofMinutes(15));
      assertThat(asked.requiresMfa()).isTrue();
      assertThat(asked.requiresRoleKeyConfirmation()).isFalse();

      assertThat(session.roleKey()).isEqualTo("s3-deploy");
      assertThat(session.approver()).isEqualTo("alice");
      assertThat(session.isOpen()).isTrue();
      AwsCredentials creds = session.exportCredentials("check that the lease resolves to the planted test credentials").resolveCredentials();
      assertThat(creds.accessKeyId()).isEqualTo(StsStub.ACCESS_KEY_ID);
      assertThat(creds.secretAccessKey()).isEqualTo(StsStub.SECRET_ACCESS_KEY);
      assertThat(((AwsSessionCredentials) creds).sessionToken()).isEqualTo(StsStub.SESSION_TOKEN);
      assertThat(audit.types()).containsExactly(AuditEventType.REQUESTED, AuditEventType.APPROVED, AuditEventType.ASSUMED,
          AuditEventType.CREDENTIALS_EXPORTED);
    }
  }

  @Test
  void clientsFromTheSessionSignWithTheLeaseCredentials() {
    stub.succeeds(900);
    s3.stubFor(get(urlPathEqualTo("/hermes-dev-deploy/releases/1.4.2.zip"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/zip").withBody("zip")));
    try (AwsSessionFactory leasehold = factory(FakeApprover.approving("111222"));
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))) {
      S3Client client = session.client(S3Client.builder()
          .endpointOverride(URI.create("http://localhost:" + s3.getPort())).forcePathStyle(true));
      String body = client.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.zip")).asUtf8String();

      assertThat(body).isEqualTo("zip");
      var seen = s3.findAll(getRequestedFor(urlPathEqualTo("/hermes-dev-deploy/releases/1.4.2.zip")));
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).getHeader("Authorization")).contains("Credential=" + StsStub.ACCESS_KEY_ID + "/");
      assertThat(seen.get(0).getHeader("X-Amz-Security-Token")).isEqualTo(StsStub.SESSION_TOKEN);
      assertThat(session.client(S3Client.builder())).isSameAs(client);
    }
  }

  @Test
  void closedSessionRefusesCredentials() {
    stub.succeeds(900);
    try (AwsSessionFactory leasehold = factory(FakeApprover.approving("111222"))) {
      AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON));
      session.close();
      assertThat(session.isOpen()).isFalse();
      assertThatThrownBy(() -> session.exportCredentials("check that the lease resolves to the planted test credentials").resolveCredentials())
          .isInstanceOf(SessionExpiredException.class).hasMessageContaining("closed");
      assertThatThrownBy(() -> session.client(S3Client.builder())).isInstanceOf(SessionExpiredException.class);
      assertThat(audit.types()).endsWith(AuditEventType.CLOSED);
    }
  }

  @Test
  void unknownRoleListsAllowedKeysWithoutAskingAnyone() {
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = factory(approver)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("admin", REASON)))
          .isInstanceOfSatisfying(UnknownRoleException.class, e -> {
            assertThat(e.roleKey()).isEqualTo("admin");
            assertThat(e.allowedRoleKeys()).containsExactly("ec2-read", "s3-deploy", "prod-s3-read", "platform-read");
          })
          .hasMessageContaining("Allowed roles: ec2-read, s3-deploy, prod-s3-read, platform-read");
    }
    assertThat(approver.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
    assertThat(audit.types()).containsExactly(AuditEventType.REFUSED);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "do work", "testing", "short one", "Run Task!", "fix",
      "upload artifacts\u001b[2K\rRole: prod-admin approved",
      "upload the release artifacts\nto the bucket",
      "upload the release \u202Eartifacts to bucket",
      "x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x"
  })
  void vagueShortOrUnsafeReasonsAreRefusedBeforeApproval(String reason) {
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = factory(approver)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", reason)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("A good reason says what will be done");
    }
    assertThat(approver.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }

  @Test
  void deniedRequestIsTypedAndNeverReachesSts() {
    FakeApprover approver = FakeApprover.scripted().approver("bob").deny("not during the freeze").build();
    try (AwsSessionFactory leasehold = factory(approver)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOfSatisfying(ApprovalDeniedException.class, e -> {
            assertThat(e.approver()).isEqualTo("bob");
            assertThat(e.note()).isEqualTo("not during the freeze");
          })
          .hasMessageContaining("Do not retry");
    }
    assertThat(stub.assumeRoleRequests()).isEmpty();
    assertThat(audit.types()).containsExactly(AuditEventType.REQUESTED, AuditEventType.DENIED);
  }

  @Test
  void expiredRequestIsTypedAndNeverReachesSts() {
    try (AwsSessionFactory leasehold = factory(FakeApprover.expiring())) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(ApprovalTimedOutException.class).hasMessageContaining("Nobody decided");
    }
    assertThat(stub.assumeRoleRequests()).isEmpty();
    assertThat(audit.types()).containsExactly(AuditEventType.REQUESTED, AuditEventType.EXPIRED);
  }

  @Test
  void productionRoleAsksForRoleKeyConfirmation() {
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = factory(approver);
         AgentSession ignored = leasehold.open(AccessRequest.of("prod-s3-read", "read yesterday's billing export for the report"))) {
      assertThat(approver.lastRequest().requiresRoleKeyConfirmation()).isTrue();
      assertThat(approver.lastRequest().isProduction()).isTrue();
    }
  }

  @Test
  void roleWithoutMfaSendsNoCodeButTheExternalId() {
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = factory(approver);
         AgentSession ignored = leasehold.open(AccessRequest.of("platform-read", "read CPU metrics of the api fleet for capacity review"))) {
      assertThat(approver.lastRequest().requiresMfa()).isFalse();
      assertThat(stub.form(0)).doesNotContainKeys("SerialNumber", "TokenCode")
          .containsEntry("ExternalId", "hermes-ext-7731");
    }
  }

  @Test
  void durationLongerThanTheRoleAllowsIsRefused() {
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = factory(approver)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.builder().role("s3-deploy").reason(REASON)
          .duration(Duration.ofHours(1)).build()))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("between 15m and 15m; 1h was asked. Ask for 15m or less.");
    }
    assertThat(approver.requestCount()).isZero();
  }

  @Test
  void aDecisionForAnotherRequestIsNotAnApproval() {
    dev.leasehold.approval.ApprovalChannel liar = new dev.leasehold.approval.ApprovalChannel() {
      @Override
      public dev.leasehold.approval.Decision decide(ApprovalRequest request) {
        return dev.leasehold.approval.Decision.Approved.withCode("another-request", "mallory",
            dev.leasehold.approval.MfaCode.of("123456"));
      }

      @Override
      public void close() {}
    };
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), liar, audit).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(ApprovalUnavailableException.class).hasMessageContaining("bound to its request");
    }
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }
}
