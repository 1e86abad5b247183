package dev.leasehold.benchmarks;

import dev.leasehold.AccessRequest;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.CallBudget;
import dev.leasehold.GuardRails;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.testing.AwsStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** What the benchmarks share: the reference catalog, a factory wired to the stand-ins, the SDK baselines. */
final class Fixtures {
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";
  static final String ROLE_ARN = "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy";
  static final StaticCredentialsProvider BASE = StaticCredentialsProvider.create(
      AwsBasicCredentials.create("AKIABENCHMARKBASE001", "benchmarkBaseSecretNotReal0123456789abcdef"));
  /** No budget or rate limit gets in the way of a measurement loop. */
  static final CallBudget UNLIMITED = new CallBudget(Long.MAX_VALUE, Long.MAX_VALUE, 1_000_000);

  private Fixtures() {}

  /** The reference catalog (the same file as core's test fixture), parsed from YAML. */
  static RoleCatalog referenceCatalog() {
    try (InputStream in = Fixtures.class.getResourceAsStream("/reference-catalog.yaml")) {
      return RoleCatalog.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RoleCatalog.Format.YAML);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The request the lease benchmarks open: s3-deploy with an intent of GetObject and PutObject. */
  static AccessRequest request() {
    return AccessRequest.of("s3-deploy", REASON, "s3:GetObject", "s3:PutObject");
  }

  /**
   * A factory against the STS stand-in. The environment passed in is empty, so AWS variables on the
   * benchmark machine do not stop it; a generous prompt rate keeps the guard rails out of the way.
   */
  static AwsSessionFactory.Builder factory(AwsStandIn aws, ApprovalChannel channel, AuditSink audit) {
    return AwsSessionFactory.builder()
        .catalog(referenceCatalog())
        .region(Region.US_EAST_1)
        .baseCredentials(BASE)
        .approvalChannel(channel)
        .auditSink(audit)
        .stsEndpoint(aws.endpoint())
        .callBudget(UNLIMITED)
        .guardRails(new GuardRails(1_000_000, Duration.ofMinutes(10), Duration.ofMinutes(10)))
        .environment(Map.of())
        .systemProperties(new Properties());
  }

  /** The SDK's own STS client against the stand-in, for the StsAssumeRoleCredentialsProvider baseline. */
  static StsClient stsClient(AwsStandIn aws) {
    return StsClient.builder().region(Region.US_EAST_1).credentialsProvider(BASE)
        .endpointOverride(aws.endpoint()).httpClient(UrlConnectionHttpClient.create()).build();
  }

  /** The SDK's refreshing provider, warmed: its first resolve called AssumeRole, later ones hit its cache. */
  static StsAssumeRoleCredentialsProvider warmedStsProvider(StsClient client) {
    StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
        .stsClient(client)
        .refreshRequest(r -> r.roleArn(ROLE_ARN).roleSessionName("benchmark").durationSeconds(900))
        .build();
    provider.resolveCredentials();
    return provider;
  }

  /** An audit sink that keeps nothing, for loops of millions of calls where only Leasehold's own work counts. */
  static AuditSink discardingSink() {
    return new AuditSink() {
      @Override
      public void record(dev.leasehold.audit.AuditEvent event) {}

      @Override
      public void close() {}
    };
  }
}
