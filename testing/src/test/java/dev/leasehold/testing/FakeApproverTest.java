package dev.leasehold.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.approval.ApprovalChannels;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

class FakeApproverTest {

  private static ApprovalRequest sample() {
    Instant now = Instant.now();
    return ApprovalRequest.builder()
        .id("req-1").agent("hermes").roleKey("s3-deploy")
        .roleArn("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy").environment("dev")
        .reason("upload the nightly build artifacts to the release bucket")
        .intentActions(List.of("s3:PutObject")).intentResources(List.of("arn:aws:s3:::releases/*"))
        .duration(Duration.ofMinutes(15)).requestedAt(now).decideBy(now.plusSeconds(300))
        .build();
  }

  @Test
  void answersTheScriptInOrderAndRecordsRequests() {
    FakeApprover approver = FakeApprover.scripted().approver("alice")
        .approve("123456").deny("freeze").expire().build();
    ApprovalRequest request = sample();

    assertThat(approver.decide(request)).isEqualTo(Decision.Approved.withCode("req-1", "alice", MfaCode.of("123456")));
    assertThat(approver.decide(request)).isEqualTo(new Decision.Denied("req-1", "alice", "freeze"));
    assertThat(approver.decide(request)).isEqualTo(new Decision.Expired("req-1"));
    assertThat(approver.requests()).hasSize(3).allMatch(r -> r == request);
    assertThat(approver.decisions()).hasSize(3);
  }

  @Test
  void neverDecidesBeyondTheScript() {
    FakeApprover approver = FakeApprover.scripted().approve("123456").build();
    approver.decide(sample());
    assertThatThrownBy(() -> approver.decide(sample()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no scripted decision left");
  }

  @Test
  void approvingShortcutRepeatsAndOmitsTheCodeWhenMfaIsNotRequired() {
    FakeApprover approver = FakeApprover.approving("654321");
    ApprovalRequest noMfa = sample().toBuilder().requiresMfa(false).build();
    assertThat(approver.decide(noMfa)).isEqualTo(Decision.Approved.withoutCode("req-1", "fake-approver"));
    assertThat(approver.decide(sample()))
        .isEqualTo(Decision.Approved.withCode("req-1", "fake-approver", MfaCode.of("654321")));
    assertThat(FakeApprover.denying("no").decide(sample())).isInstanceOf(Decision.Denied.class);
    assertThat(FakeApprover.expiring().decide(sample())).isInstanceOf(Decision.Expired.class);
  }

  @Test
  void aDecisionArrivingAfterTheDeadlineIsExpired() {
    ApprovalRequest request = sample();
    Clock pastDeadline = Clock.fixed(request.decideBy().plusSeconds(1), ZoneOffset.UTC);
    FakeApprover late = FakeApprover.scripted().approve("123456").latency(Duration.ofMillis(5)).clock(pastDeadline).build();
    assertThat(late.decide(request)).isEqualTo(new Decision.Expired("req-1"));

    Clock inTime = Clock.fixed(request.requestedAt().plusSeconds(1), ZoneOffset.UTC);
    FakeApprover prompt = FakeApprover.scripted().approve("123456").latency(Duration.ofMillis(5)).clock(inTime).build();
    assertThat(prompt.decide(request)).isInstanceOf(Decision.Approved.class);
  }

  @Test
  void closedApproverExpiresEverything() {
    FakeApprover approver = FakeApprover.approving("123456");
    approver.close();
    assertThat(approver.decide(sample())).isInstanceOf(Decision.Expired.class);
  }

  @Test
  void isNotDiscoverableThroughServiceLoader() {
    assertThat(ApprovalChannels.names(getClass().getClassLoader())).doesNotContain("fake", "fake-approver");
  }

  @Test
  void rejectsMalformedScriptedCodes() {
    assertThatThrownBy(() -> FakeApprover.scripted().approve("12345")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeApprover.approving("abcdef")).isInstanceOf(IllegalArgumentException.class);
  }
}
