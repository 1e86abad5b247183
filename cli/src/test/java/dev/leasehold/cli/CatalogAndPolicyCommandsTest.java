package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.cli;
import static dev.leasehold.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.policy.PolicyDocument;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** catalog validate, policy render and lint: exit codes and what each prints where. */
class CatalogAndPolicyCommandsTest {
  static final String REFERENCE = resource("reference-catalog.yaml");
  static final String BAD = resource("five-problems.yaml");

  // ------------------------------------------------------------------------------------------ validate

  @Test
  void aValidCatalogExitsZero() {
    Result r = cli().run("catalog", "validate", REFERENCE);

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("valid", "4 roles", "[ec2-read, s3-deploy, rds-query, cloudwatch-read]");
    assertThat(r.out()).contains("4 roles do not require an intent (add 'requireIntent: true'): ec2-read, s3-deploy, "
        + "rds-query, cloudwatch-read");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void validateSaysWhenEveryRoleRequiresAnIntent() {
    Result r = cli().run("catalog", "validate", resource("clean-catalog.yaml"));

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("every role requires an intent").doesNotContain("do not require");
  }

  @Test
  void anInvalidCatalogPrintsOneLocatedLinePerProblemOnStandardError() {
    Result r = cli().run("catalog", "validate", BAD);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).hasSizeGreaterThanOrEqualTo(5)
        .allSatisfy(line -> assertThat(line).matches("\\Q" + BAD + "\\E:\\d+:\\d+: .+"));
  }

  @Test
  void aRoleWithoutMfaThatTrustsTheAgentIsAnErrorForValidateLintAndVerify() {
    String file = resource("mfa-none-agent.yaml");
    String expected = file + ":14:10: role 'metrics-read' has mfa: none but its trust policy names the agent's own identity";
    for (String[] args : List.of(new String[] {"catalog", "validate", file}, new String[] {"lint", file},
        new String[] {"verify", "--catalog", file, "--profile", "admin", "--iam-endpoint-url", "http://127.0.0.1:9"})) {
      Result r = cli().run(args);

      assertThat(r.exit()).as(String.join(" ", args) + ": " + r.all()).isEqualTo(1);
      assertThat(r.err()).as(args[0]).contains(expected).contains("trustPrincipal: broker");
    }
  }

  @Test
  void aRoleWithoutMfaThatTrustsTheBrokerIsValidAndItsTrustPolicyNamesTheBroker() {
    String file = resource("mfa-none-broker.yaml");
    Result validate = cli().run("catalog", "validate", file);
    assertThat(validate.exit()).as(validate.all()).isZero();

    Result trust = cli().run("policy", "render", file, "--kind", "trust", "--role", "metrics-read");
    assertThat(trust.exit()).as(trust.all()).isZero();
    assertThat(trust.out()).contains("arn:aws:iam::123456789012:role/leasehold-broker")
        .doesNotContain("user/agents/hermes-dev-agent");
  }

  @Test
  void terraformOutputSuppliesTheArns() {
    assertThat(cli().run("catalog", "validate", resource("catalog-without-arns.yaml")).exit()).isEqualTo(1);

    Result r = cli().run("catalog", "validate", resource("catalog-without-arns.yaml"),
        "--terraform-output", resource("terraform-output.json"));

    assertThat(r.exit()).isZero();
  }

  @Test
  void aMissingFileIsAProblemNotAUsageError() {
    Result r = cli().run("catalog", "validate", "/nonexistent/leasehold.yaml");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("/nonexistent/leasehold.yaml:");
  }

  @Test
  void validateWithoutAFileIsAUsageError() {
    Result r = cli().run("catalog", "validate");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required parameter: 'FILE'");
  }

  // -------------------------------------------------------------------------------------------- render

  @Test
  void rendersTheTrustPolicyOfARoleAsJson() throws Exception {
    Result r = cli().run("policy", "render", REFERENCE, "--kind", "trust", "--role", "s3-deploy");

    assertThat(r.exit()).isZero();
    JsonNode statement = new ObjectMapper().readTree(r.out()).get("Statement").get(0);
    assertThat(statement.get("Principal").get("AWS").asText()).isEqualTo("arn:aws:iam::123456789012:user/agents/hermes-dev-agent");
    assertThat(statement.get("Condition").get("Bool").get("aws:MultiFactorAuthPresent").asText()).isEqualTo("true");
  }

  @Test
  void rendersATrustPolicyNamingTheBrokerWithPrincipalBroker() throws Exception {
    Result broker = cli().run("policy", "render", resource("broker-catalog.yaml"), "--kind", "trust", "--role",
        "s3-deploy", "--principal", "broker");
    Result noBroker = cli().run("policy", "render", REFERENCE, "--kind", "trust", "--role", "s3-deploy",
        "--principal", "broker");
    Result agentForMfaNone = cli().run("policy", "render", resource("mfa-none-broker.yaml"), "--kind", "trust",
        "--role", "metrics-read", "--principal", "agent");
    Result notTrust = cli().run("policy", "render", REFERENCE, "--kind", "permissions", "--role", "s3-deploy",
        "--principal", "broker");

    assertThat(broker.exit()).as(broker.err()).isZero();
    JsonNode statement = new ObjectMapper().readTree(broker.out()).get("Statement").get(0);
    assertThat(statement.get("Principal").get("AWS").asText()).isEqualTo("arn:aws:iam::123456789012:role/leasehold-broker");
    assertThat(statement.get("Condition").get("Bool").get("aws:MultiFactorAuthPresent").asText()).isEqualTo("true");
    assertThat(noBroker.exit()).isEqualTo(1);
    assertThat(noBroker.err()).contains("the catalog has none", "broker: {arn:");
    assertThat(agentForMfaNone.exit()).isEqualTo(1);
    assertThat(agentForMfaNone.err()).contains("mfa: none", "must name the broker");
    assertThat(notTrust.exit()).isEqualTo(2);
    assertThat(notTrust.err()).contains("--principal applies only to --kind trust");
  }

  @Test
  void renderingPermissionsSaysOnStandardErrorWhatWritesByAwsAccessLevels() throws Exception {
    Result rds = cli().run("policy", "render", REFERENCE, "--kind", "permissions", "--role", "rds-query");
    Result logs = cli().run("policy", "render", REFERENCE, "--kind", "permissions", "--role", "cloudwatch-read");

    assertThat(rds.exit()).isZero();
    new ObjectMapper().readTree(rds.out()); // standard output stays the policy alone
    assertThat(rds.err()).contains("# role rds-query, by AWS's access levels")
        .contains("#   WRITES: rds-data:ExecuteStatement, rds-data:BatchExecuteStatement\n")
        .containsPattern("#   reads or lists only: rds:Describe\\* \\(\\d+ actions\\), rds:ListTagsForResource\n");
    assertThat(logs.err()).contains("#   WRITES: nothing\n").contains("logs:StartQuery", "logs:FilterLogEvents");
  }

  @Test
  void rendersPermissionsAgentUserAndTerraform() throws Exception {
    Result permissions = cli().run("policy", "render", REFERENCE, "--kind", "permissions", "--role", "s3-deploy");
    Result agent = cli().run("policy", "render", REFERENCE, "--kind", "agent-user");
    Result terraform = cli().run("policy", "render", REFERENCE, "--kind", "terraform");

    assertThat(PolicyDocument.parse(permissions.out()).statements().get(0).actions()).contains("s3:PutObject");
    assertThat(PolicyDocument.parse(agent.out()).statements().get(0).resources()).hasSize(4).noneMatch(a -> a.contains("*"));
    assertThat(new ObjectMapper().readTree(terraform.out()).get("resource").get("aws_iam_role").size()).isEqualTo(4);
    assertThat(permissions.exit() + agent.exit() + terraform.exit()).isZero();
  }

  @Test
  void trustAndPermissionsNeedARole() {
    Result r = cli().run("policy", "render", REFERENCE, "--kind", "trust");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--kind trust needs --role KEY");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anUnknownRoleOrKindIsAUsageError() {
    Result role = cli().run("policy", "render", REFERENCE, "--kind", "permissions", "--role", "admin");
    Result kind = cli().run("policy", "render", REFERENCE, "--kind", "session");
    Result extra = cli().run("policy", "render", REFERENCE, "--kind", "terraform", "--role", "s3-deploy");

    assertThat(role.exit()).isEqualTo(2);
    assertThat(role.err()).contains("Unknown role 'admin'", "[ec2-read, s3-deploy, rds-query, cloudwatch-read]");
    assertThat(kind.exit()).isEqualTo(2);
    assertThat(kind.err()).contains("'session' is not a kind");
    assertThat(extra.exit()).isEqualTo(2);
  }

  @Test
  void renderingAnInvalidCatalogExitsOne() {
    Result r = cli().run("policy", "render", BAD, "--kind", "agent-user");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------- lint

  @Test
  void aCleanCatalogLintsToExitZero() {
    Result r = cli().run("lint", resource("clean-catalog.yaml"));

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("0 error(s), 0 warning(s), 0 advice");
  }

  @Test
  void theReferenceCatalogLintsClean() {
    Result r = cli().run("lint", REFERENCE);

    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("0 error(s), 0 warning(s), 4 advice");
    assertThat(r.out().lines().filter(l -> l.startsWith("ADVICE intent-not-required ")))
        .hasSize(4).anySatisfy(l -> assertThat(l).startsWith("ADVICE intent-not-required [s3-deploy]: "));
  }

  @Test
  void warningsFailTheLintOneLinePerFinding() {
    Result r = cli().run("lint", resource("lint-warnings.yaml"));

    assertThat(r.exit()).isEqualTo(1);
    // AWS classifies Data API statements as Write, whatever the SQL does: "*" is a real finding
    assertThat(r.out().lines().filter(l -> l.startsWith("WARNING "))).singleElement().asString()
        .startsWith("WARNING write-on-any-resource [rds-query]: ")
        .contains("rds-data:ExecuteStatement, rds-data:BatchExecuteStatement");
    assertThat(r.out()).contains("0 error(s), 1 warning(s), 1 advice");
  }

  @Test
  void errorsFailTheLint() {
    Result r = cli().run("lint", resource("lint-bad.yaml"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("ERROR wildcard-action [s3-everything]", "ERROR broad-managed-policy [admin-attached]", "2 error(s), 3 warning(s)");
  }

  @Test
  void expiryIsJudgedByTheCommandsClock() {
    Result before = cli().clock(Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC))
        .run("lint", resource("lint-bad.yaml"));
    Result after = cli().clock(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))
        .run("lint", resource("lint-bad.yaml"));

    assertThat(before.out()).doesNotContain("role-expired");
    assertThat(after.out()).contains("WARNING role-expired");
  }

  @Test
  void lintWithoutAFileIsAUsageError() {
    assertThat(cli().run("lint").exit()).isEqualTo(2);
  }
}
