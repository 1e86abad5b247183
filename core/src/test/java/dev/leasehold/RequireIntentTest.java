package dev.leasehold;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.catalog.CatalogInvalidException;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.policy.LintFinding;
import dev.leasehold.policy.PolicyLinter;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.testing.FakeApprover;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code requireIntent: true} in the catalog: such a role is never leased without a declared intent. */
class RequireIntentTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";
  static final String CATALOG = """
      version: 1
      agent:
        name: hermes
        mfaSerial: arn:aws:iam::123456789012:mfa/hermes-dev-agent
        userArn: arn:aws:iam::123456789012:user/agents/hermes-dev-agent
      defaults:
        region: us-east-1
      roles:
        s3-deploy:
          arn: arn:aws:iam::123456789012:role/hermes-dev-s3-deploy
          requireIntent: true
          permissions:
            - effect: Allow
              actions: ["s3:GetObject", "s3:PutObject"]
              resources: ["arn:aws:s3:::hermes-dev-deploy/*"]
        ec2-read:
          arn: arn:aws:iam::123456789012:role/hermes-dev-ec2-read
          permissions:
            - effect: Allow
              actions: ["ec2:DescribeInstances"]
              resources: ["*"]
      """;

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  private final InMemoryAuditSink audit = new InMemoryAuditSink();

  private RoleCatalog catalog(String text) throws Exception {
    return RoleCatalog.load(Files.writeString(dir.resolve("catalog.yaml"), text));
  }

  @Test
  void theCatalogCarriesTheFlag() throws Exception {
    RoleCatalog catalog = catalog(CATALOG);
    assertThat(catalog.role("s3-deploy").orElseThrow().requireIntent()).isTrue();
    assertThat(catalog.role("ec2-read").orElseThrow().requireIntent()).isFalse();
  }

  @Test
  void aNonBooleanFlagIsALocatedCatalogError() throws Exception {
    assertThatThrownBy(() -> catalog(CATALOG.replace("requireIntent: true", "requireIntent: always")))
        .isInstanceOf(CatalogInvalidException.class)
        .hasMessageContaining(":11:")
        .hasMessageContaining("requireIntent must be true or false");
  }

  @Test
  void openingWithoutAnIntentIsRefusedBeforeAnyoneIsAsked() throws Exception {
    StsStub stub = new StsStub(sts).succeeds(900);
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).catalog(catalog(CATALOG)).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("Role 's3-deploy' requires an intent")
          .hasMessageContaining("AccessRequest.of(\"s3-deploy\", reason, \"s3:GetObject\")");
      assertThat(approver.requestCount()).isZero();
      assertThat(stub.assumeRoleRequests()).isEmpty();
      assertThat(audit.types()).containsExactly(AuditEventType.REFUSED);

      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")).intent()).containsExactly("s3:PutObject");
      assertThat(leasehold.open(AccessRequest.of("ec2-read", "list running instances in the staging account")).isOpen()).isTrue();
    }
    assertThat(approver.requestCount()).isEqualTo(2);
  }

  @Test
  void theLinterAdvisesOnEveryRoleThatDoesNotRequireAnIntent() throws Exception {
    assertThat(PolicyLinter.create().lint(catalog(CATALOG)))
        .filteredOn(f -> f.ruleId().equals(PolicyLinter.INTENT_NOT_REQUIRED))
        .singleElement().satisfies(f -> {
          assertThat(f.roleKey()).isEqualTo("ec2-read");
          assertThat(f.severity()).isEqualTo(LintFinding.Severity.ADVICE);
          assertThat(f.message()).contains("requireIntent: true");
        });
  }
}
