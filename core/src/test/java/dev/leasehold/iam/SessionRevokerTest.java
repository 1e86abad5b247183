package dev.leasehold.iam;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.TestResources;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.policy.EvaluationRequest;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.support.IamAccount;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/** Revoking live sessions with an AWSRevokeOlderSessions inline policy, over the IAM Query API. */
class SessionRevokerTest {
  static final RoleCatalog CATALOG = RoleCatalog.load(TestResources.path("fixtures/reference-catalog.yaml"));
  static final Instant NOW = Instant.parse("2026-11-23T14:30:16.250Z");
  static final String ROLE = "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private IamAccount account;
  private IamClient iam;
  private SessionRevoker revoker;

  @BeforeEach
  void setUp() {
    account = IamAccount.wellConfigured(server, CATALOG).install();
    iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(account.endpoint())
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAADMINEXAMPLE0001", "admin-secret")))
        .build();
    revoker = SessionRevoker.builder().iamClient(iam).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  @AfterEach
  void tearDown() {
    iam.close();
  }

  @Test
  void putsTheRevocationPolicyOnTheRole() {
    Revocation done = revoker.revoke(ROLE);

    Map<String, String> form = account.requests("PutRolePolicy").get(0);
    assertThat(form).containsEntry("RoleName", "hermes-dev-s3-deploy")
        .containsEntry("PolicyName", "AWSRevokeOlderSessions")
        .containsEntry("Version", "2010-05-08");
    assertThat(done.cutoff()).isEqualTo(NOW);
    assertThat(done.roleName()).isEqualTo("hermes-dev-s3-deploy");
    assertThat(PolicyDocument.parse(form.get("PolicyDocument"))).isEqualTo(done.policy());
    assertThat(form.get("PolicyDocument")).contains("\"DateLessThan\":{\"aws:TokenIssueTime\":\"2026-11-23T14:30:16.250Z\"}");
  }

  @Test
  void theDocumentOnTheWireDeniesOlderSessionsAndSparesNewerOnes() {
    revoker.revoke(ROLE);
    PolicyEvaluator onTheWire = PolicyEvaluator.of(PolicyDocument.parse(account.requests("PutRolePolicy").get(0).get("PolicyDocument")));

    assertThat(onTheWire.evaluate(issuedAt("2026-11-23T14:20:00Z", "s3:PutObject"))).isEqualTo(EvaluationResult.EXPLICIT_DENY);
    assertThat(onTheWire.evaluate(issuedAt("2026-11-23T14:30:16.249Z", "iam:CreateUser"))).isEqualTo(EvaluationResult.EXPLICIT_DENY);
    assertThat(onTheWire.evaluate(issuedAt("2026-11-23T14:30:16.250Z", "s3:PutObject"))).isNotEqualTo(EvaluationResult.EXPLICIT_DENY);
    assertThat(onTheWire.evaluate(issuedAt("2026-11-23T14:45:00Z", "s3:PutObject"))).isNotEqualTo(EvaluationResult.EXPLICIT_DENY);
  }

  private static EvaluationRequest issuedAt(String time, String action) {
    return EvaluationRequest.builder(action, "arn:aws:s3:::hermes-dev-deploy/a.zip").context("aws:TokenIssueTime", time).build();
  }

  @Test
  void refusesServiceLinkedRolesBeforeAnyCall() {
    assertThatThrownBy(() -> revoker.revoke("arn:aws:iam::123456789012:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service-linked role");
    assertThat(account.requests("PutRolePolicy")).isEmpty();
  }

  @Test
  void aMissingRoleSurfacesIamsError() {
    server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/")
        .withFormParam("Action", com.github.tomakehurst.wiremock.client.WireMock.equalTo("PutRolePolicy"))
        .willReturn(IamAccount.error(404, "NoSuchEntity", "The role with name hermes-dev-s3-deploy cannot be found.")));

    assertThatThrownBy(() -> revoker.revoke(ROLE)).isInstanceOf(NoSuchEntityException.class);
  }
}
