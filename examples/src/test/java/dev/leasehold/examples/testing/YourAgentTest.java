package dev.leasehold.examples.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.leasehold.examples.ExampleCatalog.DEPLOY_BUCKET;
import static dev.leasehold.examples.loop.Outcome.Status.DENIED;
import static dev.leasehold.examples.loop.Outcome.Status.DONE;
import static dev.leasehold.examples.loop.Outcome.Status.OUT_OF_SCOPE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.examples.ExampleCatalog;
import dev.leasehold.examples.loop.AgentLoop;
import dev.leasehold.examples.loop.Outcome;
import dev.leasehold.examples.loop.Task;
import dev.leasehold.examples.support.WireMockAws;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** The pattern to copy: your agent code, a FakeApprover deciding, one WireMock standing in for STS and S3. */
class YourAgentTest {
  @RegisterExtension
  static WireMockExtension aws = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final Task LIST = new Task("list releases", AccessRequest.of("s3-deploy",
      "list release artifacts for the release notes", "s3:ListBucket"),
      s3 -> s3.listObjectsV2(b -> b.bucket(DEPLOY_BUCKET).prefix("releases/")).keyCount() + " objects");

  Outcome run(FakeApprover approver, Task task) {
    WireMockAws.stsIssuesLeases(aws);
    WireMockAws.s3Lists(aws, DEPLOY_BUCKET, "releases/", "releases/app.jar");
    try (AwsSessionFactory leasehold = AwsSessionFactory.builder().catalog(ExampleCatalog.hermes())
        .baseCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEXAMPLE", "secret")))
        .approvalChannel(approver).auditSink(new InMemoryAuditSink()).stsEndpoint(WireMockAws.endpoint(aws))
        .environment(Map.of()).systemProperties(new Properties()) // never consult the machine's AWS variables
        .build()) {
      return new AgentLoop(leasehold, () -> S3Client.builder().endpointOverride(WireMockAws.endpoint(aws))
          .forcePathStyle(true)).attempt(task);
    }
  }

  @Test
  void approvedTaskRuns() {
    assertThat(run(FakeApprover.approving("123456"), LIST)).isEqualTo(new Outcome("list releases", DONE, "1 objects"));
  }

  @Test
  void deniedTaskStops() {
    assertThat(run(FakeApprover.denying("not during the freeze"), LIST).status()).isEqualTo(DENIED);
  }

  @Test
  void callOutsideTheIntentNeverLeavesTheProcess() {
    Task sneaky = new Task("sneaky", LIST.access(),
        s3 -> s3.deleteObject(b -> b.bucket(DEPLOY_BUCKET).key("releases/app.jar")).toString());
    assertThat(run(FakeApprover.approving("123456"), sneaky).status()).isEqualTo(OUT_OF_SCOPE);
    aws.verify(0, deleteRequestedFor(anyUrl()));
  }
}
