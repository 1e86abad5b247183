package dev.leasehold.benchmarks;

import dev.leasehold.testing.AwsStandIn;
import java.nio.charset.StandardCharsets;

/**
 * leasehold-testing's {@link AwsStandIn} (STS and S3 on a loopback JDK HTTP server) as the benchmarks start it
 * inside a {@code @Setup}: every AssumeRole issues the planted credentials below, which S3 also accepts from a
 * plain client, and every GetObject answers a 16-byte body. The JDK's server is lighter than WireMock, so the
 * benchmarks measure the clients rather than the stand-in.
 */
final class StandIns {
  static final String ACCESS_KEY_ID = "ASIABENCHMARKLEASE01";
  static final String SECRET_ACCESS_KEY = "benchmarkLeaseSecret/0123456789abcdefghijk";
  static final String SESSION_TOKEN = "benchmarkLeaseSessionToken/0123456789abcdefghijklmnopqrstuvwxyz";

  private StandIns() {}

  /** A started stand-in; the benchmark closes it in its {@code @TearDown}. */
  static AwsStandIn start() {
    return AwsStandIn.builder().credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN)
        .anyObject("release 1.4.2 ok".getBytes(StandardCharsets.UTF_8)).threads(16).start();
  }
}
