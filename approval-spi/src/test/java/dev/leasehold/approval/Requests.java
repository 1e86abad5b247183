package dev.leasehold.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Test requests. */
public final class Requests {
  private Requests() {}

  public static ApprovalRequest sample() {
    Instant now = Instant.now();
    return ApprovalRequest.builder()
        .id("req-1").agent("hermes").roleKey("s3-deploy")
        .roleArn("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy").environment("dev")
        .reason("upload the nightly build artifacts to the release bucket")
        .intentActions(List.of("s3:PutObject")).intentResources(List.of("arn:aws:s3:::releases/*"))
        .duration(Duration.ofMinutes(15)).requestedAt(now).decideBy(now.plusSeconds(300))
        .build();
  }
}
