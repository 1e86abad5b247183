package dev.leasehold.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leasehold.TestResources;
import dev.leasehold.catalog.AgentIdentity;
import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PolicyRendererTest {
  private static final RoleCatalog CATALOG = RoleCatalog.load(TestResources.path("fixtures/reference-catalog.yaml"));
  private static final RoleSpec S3 = CATALOG.role("s3-deploy").orElseThrow();
  private static final String AGENT = "arn:aws:iam::123456789012:user/agents/hermes-dev-agent";
  private static final String STRANGER = "arn:aws:iam::123456789012:user/mallory";

  private static EvaluationResult assume(PolicyDocument trust, String principal, String mfa) {
    EvaluationRequest.Builder r = EvaluationRequest.builder("sts:AssumeRole", S3.arn()).principal(principal);
    if (mfa != null) {
      r.context("aws:MultiFactorAuthPresent", mfa);
    }
    return PolicyEvaluator.of(trust).evaluate(r.build());
  }

  @Test
  void trustPolicyAdmitsOnlyTheAgentUserWithMfa() {
    PolicyDocument trust = PolicyDocument.parse(PolicyRenderer.trustPolicy(CATALOG, S3).toJson());

    assertThat(assume(trust, AGENT, "true")).isEqualTo(EvaluationResult.ALLOW);
    assertThat(assume(trust, AGENT, "false")).isEqualTo(EvaluationResult.IMPLICIT_DENY);
    assertThat(assume(trust, AGENT, null)).isEqualTo(EvaluationResult.IMPLICIT_DENY);
    assertThat(assume(trust, STRANGER, "true")).isEqualTo(EvaluationResult.IMPLICIT_DENY);
    assertThat(trust.toCompactJson()).isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"LeaseholdAgentAssume\","
        + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + AGENT + "\"},\"Action\":[\"sts:AssumeRole\","
        + "\"sts:SetSourceIdentity\",\"sts:TagSession\"],\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}");
  }

  @Test
  void mfaNoneDropsTheMfaConditionAndExternalIdAddsItsOwn() {
    RoleSpec platform = S3.toBuilder().mfa(MfaRequirement.NONE).externalId("leasehold-ext-1").build();
    PolicyDocument trust = PolicyDocument.parse(PolicyRenderer.trustPolicy(CATALOG, platform).toJson());
    PolicyEvaluator evaluator = PolicyEvaluator.of(trust);

    assertThat(evaluator.evaluate(EvaluationRequest.builder("sts:AssumeRole", S3.arn()).principal(AGENT)
        .context("sts:ExternalId", "leasehold-ext-1").build())).isEqualTo(EvaluationResult.ALLOW);
    assertThat(evaluator.evaluate(EvaluationRequest.builder("sts:AssumeRole", S3.arn()).principal(AGENT)
        .context("sts:ExternalId", "guess").build())).isEqualTo(EvaluationResult.IMPLICIT_DENY);
    assertThat(trust.statements().get(0).conditions()).extracting(Condition::operator).containsExactly("StringEquals");
  }

  @Test
  void aBrokerRoleTrustsOnlyTheBrokersIdentity() {
    RoleCatalog catalog = dev.leasehold.support.TestCatalogs.reference();
    RoleSpec platform = catalog.role("platform-read").orElseThrow();
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.parse(PolicyRenderer.trustPolicy(catalog, platform).toJson()));

    assertThat(evaluator.evaluate(EvaluationRequest.builder("sts:AssumeRole", platform.arn()).principal(catalog.broker().arn())
        .context("sts:ExternalId", "hermes-ext-7731").build())).isEqualTo(EvaluationResult.ALLOW);
    assertThat(evaluator.evaluate(EvaluationRequest.builder("sts:AssumeRole", platform.arn()).principal(catalog.agent().userArn())
        .context("sts:ExternalId", "hermes-ext-7731").context("aws:MultiFactorAuthPresent", "true").build()))
        .isEqualTo(EvaluationResult.IMPLICIT_DENY);
  }

  @Test
  void agentUserPolicyAllowsExactlyTheCatalogRoles() {
    PolicyDocument user = PolicyDocument.parse(PolicyRenderer.agentUserPolicy(CATALOG).toJson());
    PolicyEvaluator evaluator = PolicyEvaluator.of(user);

    for (RoleSpec role : CATALOG.roles().values()) {
      assertThat(evaluator.evaluate("sts:AssumeRole", role.arn())).isEqualTo(EvaluationResult.ALLOW);
    }
    assertThat(evaluator.evaluate("sts:AssumeRole", "arn:aws:iam::123456789012:role/hermes-dev-admin"))
        .isEqualTo(EvaluationResult.IMPLICIT_DENY);
    assertThat(evaluator.evaluate("iam:CreateUser", "*")).isEqualTo(EvaluationResult.IMPLICIT_DENY);
    assertThat(user.statements().get(0).resources()).noneMatch(r -> r.contains("*"));
  }

  @Test
  void permissionPolicyIsTheCatalogPermissions() {
    assertThat(PolicyRenderer.permissionPolicy(S3).statements()).isEqualTo(S3.permissions());
  }

  @Test
  void terraformCreatesUserRolesAndPolicies() throws Exception {
    JsonNode tf = new ObjectMapper().readTree(PolicyRenderer.terraform(CATALOG));
    JsonNode resource = tf.get("resource");

    assertThat(resource.at("/aws_iam_user/agent/name").asText()).isEqualTo("hermes-dev-agent");
    assertThat(resource.at("/aws_iam_user/agent/path").asText()).isEqualTo("/agents/");
    assertThat(PolicyDocument.parse(resource.at("/aws_iam_user_policy/agent_assume_only/policy").asText()))
        .isEqualTo(PolicyRenderer.agentUserPolicy(CATALOG));
    assertThat(resource.get("aws_iam_role").fieldNames()).toIterable()
        .containsExactly("ec2-read", "s3-deploy", "rds-query", "cloudwatch-read");
    JsonNode role = resource.at("/aws_iam_role/s3-deploy");
    assertThat(role.get("name").asText()).isEqualTo("hermes-dev-s3-deploy");
    assertThat(role.get("max_session_duration").asInt()).isEqualTo(3600);
    assertThat(PolicyDocument.parse(role.get("assume_role_policy").asText()))
        .isEqualTo(PolicyRenderer.trustPolicy(CATALOG, S3));
    assertThat(PolicyDocument.parse(resource.at("/aws_iam_role_policy/s3-deploy/policy").asText()))
        .isEqualTo(PolicyRenderer.permissionPolicy(S3));
    assertThat(resource.at("/aws_iam_role_policy/s3-deploy/role").asText()).isEqualTo("${aws_iam_role.s3-deploy.id}");
    assertThat(tf.at("/output/role_arns/value/s3-deploy").asText()).isEqualTo("${aws_iam_role.s3-deploy.arn}");
  }

  @Test
  void terraformEscapesIamPolicyVariables() throws Exception {
    RoleSpec home = RoleSpec.builder("home", "arn:aws:iam::123456789012:role/home")
        .permission(Statement.allow("s3:GetObject").resources("arn:aws:s3:::b/${aws:username}/*").build()).build();
    RoleCatalog catalog = RoleCatalog.builder(CATALOG.agent()).role(home).build();

    String policy = new ObjectMapper().readTree(PolicyRenderer.terraform(catalog))
        .at("/resource/aws_iam_role_policy/home/policy").asText();

    assertThat(policy).contains("arn:aws:s3:::b/$${aws:username}/*");
  }

  @Test
  void renderingATrustPolicyNeedsTheAgentUserArn() {
    RoleCatalog noUser = RoleCatalog.builder(new AgentIdentity("hermes", null, null)).role(S3).build();

    assertThatThrownBy(() -> PolicyRenderer.trustPolicy(noUser, S3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no agent.userArn");
  }

  @Test
  void tooManyRolesMakeTheAgentUserPolicyTooLarge() {
    RoleCatalog.Builder b = RoleCatalog.builder(CATALOG.agent());
    IntStream.range(0, 40).forEach(i -> b.role(RoleSpec.builder("role-" + i, "arn:aws:iam::123456789012:role/hermes-dev-role-number-" + i)
            .permissions(S3.permissions()).build()));

    assertThatThrownBy(() -> PolicyRenderer.agentUserPolicy(b.build()))
        .isInstanceOfSatisfying(PolicyTooLargeException.class, e -> assertThat(e.kind()).isEqualTo(PolicyKind.AGENT_USER))
        .hasMessageStartingWith("The user inline policy for agent hermes is ");
  }

  @Test
  void sizeIsCountedWithoutWhitespace() {
    assertThat(PolicyKind.size("{ \"a\" :\n [1, 2] }")).isEqualTo(11);
  }
}
