package dev.leasehold.examples.loop;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.leasehold.examples.ExampleCatalog.DEPLOY_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.broker.LeaseBroker;
import dev.leasehold.examples.ExampleCatalog;
import dev.leasehold.examples.loop.Outcome.Status;
import dev.leasehold.examples.support.WireMockAws;
import dev.leasehold.examples.support.TestLeasehold;
import dev.leasehold.testing.FakeApprover;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The agent loop in broker mode: the agent's factory holds no identity; a broker in this JVM asks and assumes. */
class BrokerAgentLoopTest {
  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final Task LIST_RELEASE = new Task("list 1.4.2 artifacts",
      AccessRequest.of("s3-deploy", "list release 1.4.2 artifacts for the release notes", "s3:ListBucket"),
      client -> client.listObjectsV2(b -> b.bucket(DEPLOY_BUCKET).prefix("releases/1.4.2/")).contents().stream()
          .map(S3Object::key).collect(Collectors.joining(", ")));

  @TempDir Path dir;
  final InMemoryAuditSink brokerAudit = new InMemoryAuditSink();
  final FakeApprover approver = FakeApprover.approving("492817");
  AwsSessionFactory brokerSide;
  LeaseBroker broker;
  Path tokenFile;

  @BeforeEach
  void setUp() throws Exception {
    WireMockAws.stsIssuesLeases(sts);
    WireMockAws.s3Lists(s3, DEPLOY_BUCKET, "releases/1.4.2/", "releases/1.4.2/app.jar", "releases/1.4.2/notes.md");
    brokerSide = TestLeasehold.factory(WireMockAws.endpoint(sts), approver, brokerAudit).build();
    String token = LeaseBroker.newToken();
    broker = LeaseBroker.builder().sessions(brokerSide).auditSink(brokerAudit).client("hermes", token).start();
    tokenFile = Files.writeString(dir.resolve("client-token"), token + "\n");
  }

  @AfterEach
  void tearDown() {
    broker.close();
    brokerSide.close();
  }

  @Test
  void theLoopRunsOnALeaseFromTheBroker() throws Exception {
    try (AwsSessionFactory agent = BrokerAgentLoop.connect(ExampleCatalog.hermes(), broker.uri(), tokenFile, Map.of())) {
      List<Outcome> report = new AgentLoop(agent, () -> S3Client.builder().endpointOverride(WireMockAws.endpoint(s3))
          .forcePathStyle(true)).run(List.of(LIST_RELEASE));

      assertThat(report).containsExactly(new Outcome("list 1.4.2 artifacts", Status.DONE,
          "releases/1.4.2/app.jar, releases/1.4.2/notes.md"));
    }
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).singleElement()
        .satisfies(r -> assertThat(r.getHeader("Authorization")).contains("Credential=" + WireMockAws.ACCESS_KEY_ID + "/"));
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(brokerAudit.types()).containsSubsequence(AuditEventType.APPROVED, AuditEventType.ASSUMED,
        AuditEventType.CLOSED);
  }

  @Test
  void aBrokerThatIsGoneStopsTheRunAsUnavailable() throws Exception {
    try (AwsSessionFactory agent = BrokerAgentLoop.connect(ExampleCatalog.hermes(), broker.uri(), tokenFile, Map.of())) {
      broker.close();

      List<Outcome> report = new AgentLoop(agent).run(List.of(LIST_RELEASE, LIST_RELEASE));

      assertThat(report).extracting(Outcome::status).containsExactly(Status.UNAVAILABLE, Status.SKIPPED);
      assertThat(report.get(0).detail()).contains("unavailable");
    }
  }
}
