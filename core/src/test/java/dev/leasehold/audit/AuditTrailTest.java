package dev.leasehold.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.AuditFailureException;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

class AuditTrailTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  private StsStub stub;

  @BeforeEach
  void setUp() {
    stub = new StsStub(sts);
    s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
  }

  /** Approve + calls + refusal + deny + expire + close, written to a real JSON Lines file. */
  private Path fullRun() {
    Path log = dir.resolve("audit.jsonl");
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.scripted().approver("alice").approve("111222").deny("not now").expire().build();
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(log);
         AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, sink).build()) {
      try (AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))) {
        S3Client client = session.client(S3Client.builder().endpointOverride(URI.create("http://localhost:" + s3.getPort())).forcePathStyle(true));
        client.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
        assertThatThrownBy(() -> client.deleteObject(b -> b.bucket("hermes-dev-deploy").key("a")))
            .isInstanceOf(CallOutsideScopeException.class);
      }
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("ec2-read", "list running instances in the staging account")))
          .isInstanceOf(ApprovalDeniedException.class);
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("ec2-read", "describe the security groups of the api fleet",
          "ec2:DescribeSecurityGroups"))) // another intent: the denial's cool-down covers the role and intent
          .isInstanceOf(ApprovalTimedOutException.class);
    }
    return log;
  }

  @Test
  void aFullRunYieldsAChainThatVerifies() throws IOException {
    Path log = fullRun();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).extracting(l -> l.replaceAll(".*\"type\":\"([a-z-]+)\".*", "$1")).containsExactly(
        "requested", "approved", "assumed", "call-allowed", "call-refused", "closed",
        "requested", "denied", "requested", "expired");
    assertThat(lines.get(0)).startsWith("{\"seq\":1,\"time\":").contains("\"prev\":\"" + "0".repeat(64) + "\"");
    assertThat(lines.get(1)).contains("\"approver\":\"alice\"", "\"role\":\"s3-deploy\"");
    assertThat(lines.get(4)).contains("\"action\":\"s3:DeleteObject\"", "\"outcome\":\"out-of-scope\"");
    AuditVerification result = AuditVerifier.verify(log);
    assertThat(result.intact()).isTrue();
    assertThat(result.records()).isEqualTo(lines.size());
  }

  @Test
  void editingAnyLineIsDetectedAtThatLine() throws IOException {
    Path log = fullRun();
    List<String> lines = Files.readAllLines(log);
    for (int i = 0; i < lines.size(); i++) {
      List<String> edited = new ArrayList<>(lines);
      edited.set(i, lines.get(i).replaceFirst("\"time\":\"", "\"time\":\"1"));
      Path copy = write(edited, "edited-" + i);
      AuditVerification result = AuditVerifier.verify(copy);
      assertThat(result.intact()).isFalse();
      assertThat(result.firstBadLine()).isEqualTo(i + 1);
      assertThat(result.problem()).contains("edited");
    }
  }

  @Test
  void deletingAnyLineIsDetectedAtThatLine() throws IOException {
    Path log = fullRun();
    List<String> lines = Files.readAllLines(log);
    for (int i = 0; i < lines.size() - 1; i++) {
      List<String> cut = new ArrayList<>(lines);
      cut.remove(i);
      AuditVerification result = AuditVerifier.verify(write(cut, "cut-" + i));
      assertThat(result.intact()).isFalse();
      assertThat(result.firstBadLine()).isEqualTo(i + 1);
      assertThat(result.problem()).contains("removed or the records were reordered");
    }
  }

  @Test
  void swappingAnyTwoAdjacentLinesIsDetectedAtTheFirst() throws IOException {
    Path log = fullRun();
    List<String> lines = Files.readAllLines(log);
    for (int i = 0; i < lines.size() - 1; i++) {
      List<String> swapped = new ArrayList<>(lines);
      Collections.swap(swapped, i, i + 1);
      AuditVerification result = AuditVerifier.verify(write(swapped, "swap-" + i));
      assertThat(result.intact()).isFalse();
      assertThat(result.firstBadLine()).isEqualTo(i + 1);
    }
  }

  @Test
  void reopeningALogResumesItsChain() throws IOException {
    Path log = dir.resolve("resume.jsonl");
    AuditEvent event = AuditEvent.builder(AuditEventType.REQUESTED, Instant.parse("2026-11-23T10:00:00Z")).requestId("r1").build();
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(log)) {
      sink.record(event);
      sink.record(event);
    }
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(log)) {
      sink.record(event);
    }
    assertThat(Files.readAllLines(log).get(2)).startsWith("{\"seq\":3,");
    assertThat(AuditVerifier.verify(log).intact()).isTrue();
  }

  @Test
  void aSinkThatFailsOnRequestedStopsTheRequestBeforeAnyoneIsAsked() {
    FakeApprover approver = FakeApprover.approving("111222");
    AuditSink failing = event -> {
      throw new IllegalStateException("disk full");
    };
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, failing).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(AuditFailureException.class).hasMessageContaining("'requested'").hasMessageContaining("disk full");
    }
    assertThat(approver.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }

  @Test
  void aSinkThatFailsOnApprovedStopsTheRequestBeforeAssumeRole() {
    stub.succeeds(900);
    FakeApprover approver = FakeApprover.approving("111222");
    AtomicInteger seen = new AtomicInteger();
    AuditSink failsSecond = event -> {
      if (seen.incrementAndGet() == 2) {
        throw new IllegalStateException("disk full");
      }
    };
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, failsSecond).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(AuditFailureException.class).hasMessageContaining("'approved'");
    }
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }

  @Test
  void aSinkThatFailsOnAssumedWithholdsTheSession() {
    stub.succeeds(900);
    AtomicInteger seen = new AtomicInteger();
    AuditSink failsThird = event -> {
      if (seen.incrementAndGet() == 3) {
        throw new IllegalStateException("disk full");
      }
    };
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), failsThird).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(AuditFailureException.class).hasMessageContaining("'assumed'");
    }
  }

  private Path write(List<String> lines, String name) throws IOException {
    Path p = dir.resolve(name + ".jsonl");
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }
}
