package dev.leasehold.examples.loop;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.leasehold.examples.ExampleCatalog.DEPLOY_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.CallBudget;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.examples.loop.Outcome.Status;
import dev.leasehold.examples.support.WireMockAws;
import dev.leasehold.testing.MutableClock;
import dev.leasehold.examples.support.TestLeasehold;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The agent loop against a stand-in STS and S3: one outcome per typed refusal, nothing retried. */
class AgentLoopTest {
  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final Task LIST_RELEASE = new Task("list 1.4.2 artifacts",
      AccessRequest.of("s3-deploy", "list release 1.4.2 artifacts for the release notes", "s3:ListBucket"),
      client -> client.listObjectsV2(b -> b.bucket(DEPLOY_BUCKET).prefix("releases/1.4.2/")).contents().stream()
          .map(S3Object::key).collect(Collectors.joining(", ")));

  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private final MutableClock clock = MutableClock.startingNow();
  private AwsSessionFactory leasehold;

  @BeforeEach
  void standIns() {
    WireMockAws.stsIssuesLeases(sts);
    WireMockAws.s3Lists(s3, DEPLOY_BUCKET, "releases/1.4.2/", "releases/1.4.2/app.jar", "releases/1.4.2/notes.md");
  }

  @AfterEach
  void closeFactory() {
    if (leasehold != null) {
      leasehold.close();
    }
  }

  private AgentLoop loop(FakeApprover approver) {
    return loop(approver, CallBudget.DEFAULTS);
  }

  private AgentLoop loop(FakeApprover approver, CallBudget budget) {
    leasehold = TestLeasehold.factory(WireMockAws.endpoint(sts), approver, audit).clock(clock).callBudget(budget).build();
    return new AgentLoop(leasehold, () -> S3Client.builder().endpointOverride(WireMockAws.endpoint(s3)).forcePathStyle(true));
  }

  @Test
  void approvedTaskRunsOnTheLeaseAndClosesIt() {
    List<Outcome> report = loop(FakeApprover.approving("492817")).run(List.of(LIST_RELEASE));

    assertThat(report).containsExactly(new Outcome("list 1.4.2 artifacts", Status.DONE,
        "releases/1.4.2/app.jar, releases/1.4.2/notes.md"));
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).singleElement()
        .satisfies(r -> assertThat(r.getHeader("Authorization")).contains("Credential=" + WireMockAws.ACCESS_KEY_ID + "/"));
    assertThat(audit.types()).containsExactly(AuditEventType.REQUESTED, AuditEventType.APPROVED,
        AuditEventType.ASSUMED, AuditEventType.CALL_ALLOWED, AuditEventType.CLOSED);
  }

  @Test
  void denialIsReportedNeverRetriedAndStopsTheRun() {
    FakeApprover approver = FakeApprover.scripted().approver("alice").deny("not during the freeze").build();

    List<Outcome> report = loop(approver).run(List.of(LIST_RELEASE, LIST_RELEASE));

    assertThat(report).extracting(Outcome::status).containsExactly(Status.DENIED, Status.SKIPPED);
    assertThat(report.get(0).detail()).isEqualTo("denied by alice: not during the freeze. Not retried.");
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(WireMockAws.assumeRoleRequests(sts)).isEmpty();
  }

  @Test
  void unansweredApprovalStopsTheRunWithoutAskingAgain() {
    FakeApprover approver = FakeApprover.expiring();

    List<Outcome> report = loop(approver).run(List.of(LIST_RELEASE, LIST_RELEASE));

    assertThat(report).extracting(Outcome::status).containsExactly(Status.APPROVAL_TIMED_OUT, Status.SKIPPED);
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(WireMockAws.assumeRoleRequests(sts)).isEmpty();
  }

  @Test
  void intentTheRoleDoesNotAllowNeverReachesAwsAndTheRunGoesOn() {
    Task prune = new Task("prune 1.3.0", AccessRequest.of("s3-deploy",
        "delete release 1.3.0 artifacts from the deploy bucket", "s3:DeleteObject"),
        client -> client.deleteObject(b -> b.bucket(DEPLOY_BUCKET).key("releases/1.3.0/app.jar")).toString());

    FakeApprover approver = FakeApprover.approving("492817");
    List<Outcome> report = loop(approver).run(List.of(prune, LIST_RELEASE));

    assertThat(report).extracting(Outcome::status).containsExactly(Status.OUT_OF_SCOPE, Status.DONE);
    assertThat(report.get(0).detail()).contains("s3:DeleteObject", "do not widen");
    assertThat(approver.requestCount()).as("only the second task asked a human").isEqualTo(1);
    assertThat(WireMockAws.assumeRoleRequests(sts)).hasSize(1);
    assertThat(s3.findAll(deleteRequestedFor(anyUrl()))).isEmpty();
  }

  @Test
  void callOutsideTheDeclaredIntentIsRefusedBeforeItLeavesTheProcess() {
    Task sneaky = new Task("read the manifest", AccessRequest.of("s3-deploy",
        "list release 1.4.2 artifacts to find the manifest", "s3:ListBucket"),
        client -> client.getObjectAsBytes(b -> b.bucket(DEPLOY_BUCKET).key("releases/1.4.2/notes.md")).asUtf8String());

    List<Outcome> report = loop(FakeApprover.approving("492817")).run(List.of(sneaky));

    assertThat(report).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.OUT_OF_SCOPE);
      assertThat(o.detail()).contains("s3:GetObject", "outside the session's declared intent");
    });
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).isEmpty();
  }

  @Test
  void runawayPaginationStopsAtTheSessionCallBudget() {
    WireMockAws.s3ListsForever(s3, DEPLOY_BUCKET, "logs/");
    Task countLogs = new Task("count logs", AccessRequest.of("s3-deploy",
        "count log objects under logs/ for the storage cost report", "s3:ListBucket"),
        client -> client.listObjectsV2Paginator(b -> b.bucket(DEPLOY_BUCKET).prefix("logs/")).contents().stream()
            .count() + " objects");

    List<Outcome> report = loop(FakeApprover.approving("492817"), new CallBudget(5, 0, 50)).run(List.of(countLogs));

    assertThat(report).extracting(Outcome::status).containsExactly(Status.BUDGET_EXHAUSTED);
    assertThat(s3.findAll(getRequestedFor(urlPathEqualTo("/" + DEPLOY_BUCKET)))).hasSize(5);
  }

  @Test
  void taskThatOutlivesItsLeaseIsStoppedNotRefreshed() {
    FakeApprover approver = FakeApprover.approving("492817");
    Task slow = new Task("slow listing", LIST_RELEASE.access(), client -> {
      clock.advance(Duration.ofMinutes(16));
      return LIST_RELEASE.work().perform(client);
    });

    List<Outcome> report = loop(approver).run(List.of(slow));

    assertThat(report).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.LEASE_EXPIRED);
      assertThat(o.detail()).contains("never refreshed silently");
    });
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    assertThat(approver.requestCount()).isEqualTo(1);
  }

  @Test
  void unknownRoleIsAnInvalidRequestNobodyIsAskedAbout() {
    FakeApprover approver = FakeApprover.approving("492817");
    Task admin = new Task("admin", AccessRequest.of("admin", "list release 1.4.2 artifacts for the release notes"),
        client -> "never");

    List<Outcome> report = loop(approver).run(List.of(admin, LIST_RELEASE));

    assertThat(report).extracting(Outcome::status).containsExactly(Status.INVALID_REQUEST, Status.DONE);
    assertThat(report.get(0).detail()).contains("Allowed roles: s3-deploy, ec2-read");
    assertThat(approver.requestCount()).isEqualTo(1);
  }
}
