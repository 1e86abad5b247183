package dev.leasehold.support;

import dev.leasehold.AwsSessionFactory;
import dev.leasehold.RetrySettings;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.audit.AuditSink;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Factory builders wired to stand-ins, with a clean environment and fast retries. */
public final class Leasehold {
  public static final String BASE_KEY_ID = "AKIALEASEHOLDBASEID00001";
  public static final String BASE_SECRET = "leaseholdBaseSecretDoNotLeak0123456789abcdefg";
  public static final RetrySettings FAST_RETRY =
      new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(2), Duration.ofSeconds(10));

  private Leasehold() {}

  public static AwsSessionFactory.Builder factory(URI sts, ApprovalChannel channel, AuditSink audit) {
    return factory(sts, channel).auditSink(audit);
  }

  /** As {@link #factory(URI, ApprovalChannel, AuditSink)} but with no audit trail set yet (set an audit log). */
  public static AwsSessionFactory.Builder factory(URI sts, ApprovalChannel channel) {
    return AwsSessionFactory.builder()
        .catalog(TestCatalogs.reference())
        .baseCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(BASE_KEY_ID, BASE_SECRET)))
        .approvalChannel(channel)
        .stsEndpoint(sts)
        .retry(FAST_RETRY)
        .environment(Map.of())
        .systemProperties(new Properties());
  }
}
