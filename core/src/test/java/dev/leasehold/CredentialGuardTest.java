package dev.leasehold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

class CredentialGuardTest {
  private final URI sts = URI.create("http://localhost:1");

  private AwsSessionFactory.Builder builder() {
    return Leasehold.factory(sts, FakeApprover.approving("111222"), new InMemoryAuditSink());
  }

  @Test
  void environmentSystemPropertyAndDefaultProvidersAreRefused() {
    for (AwsCredentialsProvider provider : new AwsCredentialsProvider[] {
        EnvironmentVariableCredentialsProvider.create(), SystemPropertyCredentialsProvider.create(),
        DefaultCredentialsProvider.builder().build()}) {
      assertThatThrownBy(() -> builder().baseCredentials(provider))
          .isInstanceOf(UnsafeCredentialsException.class)
          .hasMessageContaining(provider.getClass().getSimpleName())
          .hasMessageContaining("ProfileCredentialsProvider");
    }
  }

  @Test
  void credentialVariablesInTheEnvironmentFailTheBuildNamingThemButNotTheirValues() {
    Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIAENVLEAKCANARY001", "AWS_SECRET_ACCESS_KEY", "envSecretCanary", "HOME", "/home/agent");
    assertThatThrownBy(() -> builder().environment(env).build())
        .isInstanceOf(UnsafeCredentialsException.class)
        .hasMessageContaining("AWS_ACCESS_KEY_ID").hasMessageContaining("AWS_SECRET_ACCESS_KEY")
        .hasMessageContaining("warnOnlyOnCredentialVariables")
        .hasMessageNotContaining("AKIAENVLEAKCANARY001").hasMessageNotContaining("envSecretCanary");
    assertThatThrownBy(() -> builder().environment(Map.of("AWS_SESSION_TOKEN", "tok")).build())
        .isInstanceOf(UnsafeCredentialsException.class).hasMessageContaining("AWS_SESSION_TOKEN");
  }

  @Test
  void credentialSystemPropertiesFailTheBuild() {
    Properties props = new Properties();
    props.setProperty("aws.secretAccessKey", "propSecretCanary");
    assertThatThrownBy(() -> builder().systemProperties(props).build())
        .isInstanceOf(UnsafeCredentialsException.class)
        .hasMessageContaining("aws.secretAccessKey").hasMessageNotContaining("propSecretCanary");
  }

  @Test
  void theExplicitOptionDowngradesTheVariableCheckToAWarning() {
    try (AwsSessionFactory leasehold = builder().environment(Map.of("AWS_ACCESS_KEY_ID", "AKIAENVLEAKCANARY001"))
        .warnOnlyOnCredentialVariables().build()) {
      assertThat(leasehold.catalog().roleKeys()).contains("s3-deploy");
    }
  }

  @Test
  void emptyVariablesAreNotCredentials() {
    try (AwsSessionFactory leasehold = builder().environment(Map.of("AWS_ACCESS_KEY_ID", "")).build()) {
      assertThat(leasehold).isNotNull();
    }
  }

  @Test
  void missingRequiredSettingsSayWhatToSet() {
    assertThatThrownBy(() -> AwsSessionFactory.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("catalog is required");
    assertThatThrownBy(() -> AwsSessionFactory.builder().catalog(dev.leasehold.support.TestCatalogs.reference()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("approvalChannel is required");
    assertThatThrownBy(() -> AwsSessionFactory.builder().catalog(dev.leasehold.support.TestCatalogs.reference())
        .approvalChannel(FakeApprover.approving("111222")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("audit trail is required");
  }
}
