package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.testing.FakeApprover;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The lease leaves a session only through guarded clients, or through an explicit, audited export. */
class LeaseHandOutTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";
  static final String EXPORT_REASON = "presign a download link for the 1.4.2 release notes";

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

  private AwsSessionFactory leasehold() {
    return Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving("111222"), audit).build();
  }

  private S3ClientBuilder builder() {
    return S3Client.builder().endpointOverride(URI.create("http://localhost:" + s3.getPort())).forcePathStyle(true);
  }

  @Test
  void theBuilderGivenToClientDoesNotBuildUnguardedClientsWithTheLease() {
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON))) {
      S3ClientBuilder builder = builder();
      session.client(builder).putObject(b -> b.bucket("hermes-dev-deploy").key("a"), RequestBody.fromString("a"));

      // Strip the guard from the builder the caller still holds, and build a client of its own.
      S3Client rogue = builder.overrideConfiguration(ClientOverrideConfiguration.builder().build())
          .region(Region.US_EAST_1).build();
      assertThatThrownBy(() -> rogue.deleteObject(b -> b.bucket("hermes-dev-deploy").key("a")))
          .hasStackTraceContaining("was given to AgentSession.client");
      rogue.close();
    }
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).singleElement()
        .satisfies(r -> assertThat(r.getMethod().getName()).isEqualTo("PUT"));
  }

  @Test
  void aGuardedClientsOwnCredentialsProviderDoesNotServeTheLease() {
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON))) {
      S3Client guarded = session.client(builder());
      var provider = guarded.serviceClientConfiguration().credentialsProvider();
      var identity = provider.resolveIdentity().join();
      assertThat(identity.accessKeyId()).isNotEqualTo(StsStub.ACCESS_KEY_ID);
      assertThat(identity.secretAccessKey()).isNotEqualTo(StsStub.SECRET_ACCESS_KEY);

      guarded.putObject(b -> b.bucket("hermes-dev-deploy").key("a"), RequestBody.fromString("a"));
      try (S3Client rogue = builder().region(Region.US_EAST_1).credentialsProvider(provider).build()) {
        rogue.deleteObject(b -> b.bucket("hermes-dev-deploy").key("a")); // reaches the stand-in, not signed by the lease
      }
    }
    var seen = s3.findAll(anyRequestedFor(anyUrl()));
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).getHeader("Authorization")).contains("Credential=" + StsStub.ACCESS_KEY_ID + "/");
    assertThat(seen.get(0).getHeader("X-Amz-Security-Token")).isEqualTo(StsStub.SESSION_TOKEN);
    assertThat(seen.get(1).getMethod().getName()).isEqualTo("DELETE");
    assertThat(seen.get(1).getHeader("Authorization")).doesNotContain(StsStub.ACCESS_KEY_ID);
    assertThat(seen.get(1).containsHeader("X-Amz-Security-Token")).isFalse();
  }

  @Test
  void exportingTheLeaseIsExplicitAndAudited() {
    AwsCredentialsProvider exported;
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON))) {
      exported = session.exportCredentials(EXPORT_REASON);
      assertThat(exported.resolveCredentials().accessKeyId()).isEqualTo(StsStub.ACCESS_KEY_ID);
      assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CREDENTIALS_EXPORTED).singleElement()
          .satisfies(e -> {
            assertThat(e.requestId()).isEqualTo(session.id());
            assertThat(e.cause()).isEqualTo(EXPORT_REASON);
            assertThat(e.outcome()).isEqualTo("unguarded");
          });

      try (S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).credentialsProvider(exported).build()) {
        String url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
            .getObjectRequest(g -> g.bucket("hermes-dev-deploy").key("notes.txt"))).url().toString();
        assertThat(url).contains(StsStub.ACCESS_KEY_ID);
      }
    }
    assertThatThrownBy(exported::resolveCredentials).isInstanceOf(SessionExpiredException.class);
  }

  @Test
  void anExportNeedsAConcreteReason() {
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON))) {
      assertThatThrownBy(() -> session.exportCredentials("testing")).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> session.exportCredentials(null)).isInstanceOf(InvalidRequestException.class);
    }
    assertThat(audit.types()).doesNotContain(AuditEventType.CREDENTIALS_EXPORTED);
  }
}
