package dev.leasehold.examples.support;

import dev.leasehold.AwsSessionFactory;
import dev.leasehold.RetrySettings;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.examples.ExampleCatalog;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** A factory builder for the example catalog, wired to a stand-in STS, blind to the machine's environment. */
public final class TestLeasehold {
  private TestLeasehold() {}

  public static AwsSessionFactory.Builder factory(URI sts, ApprovalChannel approver, AuditSink audit) {
    return AwsSessionFactory.builder()
        .catalog(ExampleCatalog.hermes())
        .baseCredentials(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(WireMockAws.BASE_KEY_ID, WireMockAws.BASE_SECRET)))
        .approvalChannel(approver)
        .auditSink(audit)
        .stsEndpoint(sts)
        .retry(new RetrySettings(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofSeconds(5)))
        .environment(Map.of())
        .systemProperties(new Properties());
  }
}
