package dev.leasehold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.leasehold.iam.LocalVerifier;
import dev.leasehold.internal.CredentialGuard;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
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
  void aChainThatContainsAnEnvironmentSystemPropertyOrDefaultProviderIsRefusedAtAnyDepth() {
    AwsCredentialsProvider fixed = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFIXED0000000001", "fixedSecret"));
    for (AwsCredentialsProvider inner : new AwsCredentialsProvider[] {
        EnvironmentVariableCredentialsProvider.create(), SystemPropertyCredentialsProvider.create(),
        DefaultCredentialsProvider.builder().build()}) {
      AwsCredentialsProviderChain flat = AwsCredentialsProviderChain.of(fixed, inner);
      AwsCredentialsProviderChain nested = AwsCredentialsProviderChain.of(fixed, AwsCredentialsProviderChain.of(fixed, inner));
      for (AwsCredentialsProvider chain : List.of(flat, nested)) {
        assertThatThrownBy(() -> builder().baseCredentials(chain))
            .isInstanceOf(UnsafeCredentialsException.class)
            .hasMessageContaining(inner.getClass().getSimpleName())
            .hasMessageContaining("AwsCredentialsProviderChain");
      }
    }
  }

  @Test
  void aChainOfExplicitProvidersIsAccepted() {
    AwsCredentialsProvider fixed = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFIXED0000000001", "fixedSecret"));
    try (AwsSessionFactory leasehold = builder().baseCredentials(AwsCredentialsProviderChain.of(fixed,
        AwsCredentialsProviderChain.of(ProfileCredentialsProvider.create("hermes"), fixed))).build()) {
      assertThat(leasehold).isNotNull();
    }
  }

  @Test
  void anInjectedStsClientOnTheDefaultChainOrTheEnvironmentIsRefused() {
    StsClient onDefault = StsClient.builder().region(Region.US_EAST_1).endpointOverride(sts).build();
    StsClient onEnvironment = StsClient.builder().region(Region.US_EAST_1).endpointOverride(sts)
        .credentialsProvider(AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create())).build();
    try (onDefault; onEnvironment) {
      assertThatThrownBy(() -> AwsSessionFactory.builder().stsClient(onDefault))
          .isInstanceOf(UnsafeCredentialsException.class)
          .hasMessageContaining("DefaultCredentialsProvider").hasMessageContaining("stsClient");
      assertThatThrownBy(() -> AwsSessionFactory.builder().stsClient(onEnvironment))
          .isInstanceOf(UnsafeCredentialsException.class)
          .hasMessageContaining("EnvironmentVariableCredentialsProvider");
    }
  }

  @Test
  void anInjectedStsClientWithAnExplicitIdentityIsAccepted() {
    try (StsClient explicit = StsClient.builder().region(Region.US_EAST_1).endpointOverride(sts)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFIXED0000000001", "fixedSecret")))
        .build();
         AwsSessionFactory leasehold = AwsSessionFactory.builder().catalog(dev.leasehold.support.TestCatalogs.reference())
             .approvalChannel(FakeApprover.approving("111222")).auditSink(new InMemoryAuditSink()).stsClient(explicit)
             .environment(Map.of()).systemProperties(new Properties()).build()) {
      assertThat(leasehold).isNotNull();
    }
  }

  @Test
  void platformIdentityVariablesAreWarnedAboutByNameWithoutTheirValues() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger guard = (Logger) LoggerFactory.getLogger(dev.leasehold.internal.CredentialGuard.class);
    logs.start();
    guard.addAppender(logs);
    Map<String, String> env = Map.of(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9911/creds-canary",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/relative-canary",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "containerTokenCanary",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/token-file-canary",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/web-identity-canary");
    try (AwsSessionFactory leasehold = builder().environment(env).build()) {
      assertThat(leasehold).as("only a warning: the platform identity may be the base identity").isNotNull();
    } finally {
      guard.detachAppender(logs);
    }
    assertThat(logs.list).anySatisfy(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.WARN);
      assertThat(e.getFormattedMessage()).contains(env.keySet()).contains("platform identity");
    });
    assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
        .doesNotContain("creds-canary", "relative-canary", "containerTokenCanary", "token-file-canary", "web-identity-canary"));
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
  void theBuildCheckAndThePreDeployCheckNameTheSameCredentialVariables() {
    assertThat(LocalVerifier.CREDENTIAL_VARIABLES).isSameAs(CredentialGuard.VARIABLES)
        .containsExactly("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
    for (String variable : CredentialGuard.VARIABLES) {
      assertThatThrownBy(() -> builder().environment(Map.of(variable, "x")).build())
          .isInstanceOf(UnsafeCredentialsException.class).hasMessageContaining(variable);
      assertThat(LocalVerifier.verify(Map.of(variable, "x"), Path.of("/nonexistent/credentials"), "agent").get(0).passed())
          .as(variable).isFalse();
    }
  }

  @Test
  void aLeasedChildInheritsNoOtherWayToCredentialsAProfileOrTheBrokerToken() {
    Map<String, String> parent = new LinkedHashMap<>();
    for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME", "AWS_SHARED_CREDENTIALS_FILE", "AWS_OTHER_CREDENTIALS_FILE",
        "LEASEHOLD_BROKER_TOKEN", "LEASEHOLD_BROKER_TOKEN_FILE")) {
      parent.put(name, "inherited");
    }
    parent.put("PATH", "/usr/bin");
    parent.put("AWS_REGION", "eu-west-1");
    parent.put("AWS_CONFIG_FILE", "/home/agent/.aws/config");

    Map<String, String> child = CredentialGuard.leaseEnvironment(parent, URI.create("http://127.0.0.1:9/lease/1"),
        "lease-token");

    assertThat(child).containsExactly(Map.entry("PATH", "/usr/bin"), Map.entry("AWS_REGION", "eu-west-1"),
        Map.entry("AWS_CONFIG_FILE", "/home/agent/.aws/config"),
        Map.entry("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        Map.entry("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/lease/1"),
        Map.entry("AWS_CONTAINER_AUTHORIZATION_TOKEN", "lease-token"));
    assertThat(CredentialGuard.WITHHELD_FROM_CHILD).containsAll(CredentialGuard.VARIABLES)
        .containsAll(CredentialGuard.PLATFORM_VARIABLES).containsAll(CredentialGuard.BROKER_TOKEN_VARIABLES);
  }

  @Test
  void theConfigFilesDefaultProfileIsCheckedForEveryWayToCredentialsByNameOnly(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config");
    Files.writeString(config, String.join("\n", "[profile default]", "region = eu-west-1",
        "aws_access_key_id = AKIACONFIGDEFAULT001", "aws_secret_access_key = config-default-secret-01",
        "credential_process = /usr/bin/creds", "[profile ops]", "role_arn = arn:aws:iam::123456789012:role/ops",
        "source_profile = default", ""));

    assertThat(CredentialGuard.profileCredentialSettings(config))
        .containsExactly("aws_access_key_id", "aws_secret_access_key", "credential_process");

    Files.writeString(config, "[default]\nsso_session = corp\nsso_account_id = 123456789012\n"
        + "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n");
    assertThat(CredentialGuard.profileCredentialSettings(config)).containsExactly("sso_session", "sso_account_id");

    Files.writeString(config, "[default]\nregion = eu-west-1\noutput = json\n[profile ops]\nrole_arn = x\n");
    assertThat(CredentialGuard.profileCredentialSettings(config)).isEmpty();
    assertThat(CredentialGuard.profileCredentialSettings(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void anUnreadableConfigFileIsATypedErrorThatQuotesNoValue(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config");
    Files.writeString(config, "[default]\naws_secret_access_key secret-without-equals-0001\n");

    assertThatThrownBy(() -> CredentialGuard.profileCredentialSettings(config))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-without-equals-0001"));
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
