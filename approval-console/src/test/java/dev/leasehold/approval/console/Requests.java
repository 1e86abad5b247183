package dev.leasehold.approval.console;

import dev.leasehold.approval.ApprovalRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Requests for tests, all made at {@link #NOW}. */
final class Requests {
  static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

  private Requests() {}

  /** A dev role request needing MFA, to be decided within five minutes of {@link #NOW}. */
  static ApprovalRequest.Builder dev(String id) {
    return ApprovalRequest.builder()
        .id(id).agent("hermes").roleKey("s3-deploy")
        .roleArn("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy").environment("dev")
        .reason("upload the nightly build artifacts to the release bucket")
        .intentActions(List.of("s3:PutObject")).intentResources(List.of("arn:aws:s3:::releases/*"))
        .duration(Duration.ofMinutes(15)).requestedAt(NOW).decideBy(NOW.plus(Duration.ofMinutes(5)))
        .requiresMfa(true);
  }

  /** A production role request: loud, and the role key must be typed. */
  static ApprovalRequest.Builder prod(String id) {
    return dev(id).roleKey("db-admin").roleArn("arn:aws:iam::123456789012:role/hermes-prod-db-admin")
        .environment("prod").requiresRoleKeyConfirmation(true);
  }
}
