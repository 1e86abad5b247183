package dev.leasehold.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.leasehold.TestResources;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.policy.LintFinding.Severity;
import dev.leasehold.policy.internal.Access;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyLinterTest {
  private static final PolicyLinter LINTER =
      PolicyLinter.withClock(Clock.fixed(Instant.parse("2026-01-15T00:00:00Z"), ZoneOffset.UTC));

  @Test
  void referenceCatalogLintsClean() {
    RoleCatalog reference = RoleCatalog.load(TestResources.path("fixtures/reference-catalog.yaml"));
    List<LintFinding> all = LINTER.lint(reference);
    // No reference role requires an intent: each gets the advice, and the advice alone does not fail a lint.
    assertThat(all).filteredOn(f -> f.ruleId().equals(PolicyLinter.INTENT_NOT_REQUIRED))
        .allMatch(f -> f.severity() == Severity.ADVICE)
        .extracting(LintFinding::roleKey).containsExactlyInAnyOrderElementsOf(reference.roleKeys());
    List<LintFinding> findings = withoutIntentAdvice(all);

    // With AWS's access levels, logs:FilterLogEvents, logs:StartQuery and logs:StopQuery are reads (the verb rule
    // called them writes); rds-data statements are writes and are scoped to the reporting cluster's ARN.
    assertThat(findings).isEmpty();
  }

  @Test
  void badCatalogRaisesEachCatalogRuleExactlyOnce() {
    List<LintFinding> findings = withoutIntentAdvice(LINTER.lint(RoleCatalog.load(TestResources.path("catalogs/lint-bad.yaml"))));

    assertThat(findings).extracting(LintFinding::ruleId, LintFinding::severity, LintFinding::roleKey)
        .containsExactlyInAnyOrder(
            tuple(PolicyLinter.WILDCARD_ACTION, Severity.ERROR, "s3-everything"),
            tuple(PolicyLinter.READ_WRITE_DELETE, Severity.WARNING, "s3-everything"),
            tuple(PolicyLinter.BROAD_MANAGED_POLICY, Severity.ERROR, "admin-attached"),
            tuple(PolicyLinter.WRITE_ON_ANY_RESOURCE, Severity.WARNING, "ec2-start"),
            tuple(PolicyLinter.ROLE_EXPIRED, Severity.WARNING, "incident-2024"));
    assertThat(findings).filteredOn(f -> f.ruleId().equals(PolicyLinter.BROAD_MANAGED_POLICY)).singleElement()
        .extracting(LintFinding::message).asString().contains("AdministratorAccess").doesNotContain("ReadOnlyAccess");
    assertThat(findings).filteredOn(f -> f.ruleId().equals(PolicyLinter.WRITE_ON_ANY_RESOURCE)).singleElement()
        .extracting(LintFinding::message).asString().contains("[ec2:StartInstances]");
  }

  @Test
  void expiryUsesTheInjectedClock() {
    PolicyLinter before = PolicyLinter.withClock(Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC));

    assertThat(before.lint(RoleCatalog.load(TestResources.path("catalogs/lint-bad.yaml"))))
        .noneMatch(f -> f.ruleId().equals(PolicyLinter.ROLE_EXPIRED));
  }

  @Test
  void trustWithoutMfaIsAnError() {
    PolicyDocument trust = PolicyDocument.of(Statement.allow("sts:AssumeRole")
        .principal(Principal.aws("arn:aws:iam::123456789012:user/agents/hermes")).build());

    assertThat(LINTER.lint(trust, PolicyKind.TRUST)).singleElement()
        .extracting(LintFinding::ruleId, LintFinding::severity).containsExactly(PolicyLinter.TRUST_WITHOUT_MFA, Severity.ERROR);
  }

  @Test
  void principalStarIsAnError() {
    PolicyDocument trust = PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"Bool\":"
        + "{\"aws:MultiFactorAuthPresent\":\"true\"}}}}");

    assertThat(LINTER.lint(trust, PolicyKind.TRUST)).singleElement()
        .extracting(LintFinding::ruleId).isEqualTo(PolicyLinter.PRINCIPAL_ANYONE);
  }

  @Test
  void agentUserWildcardResourceIsAnError() {
    PolicyDocument user = PolicyDocument.of(Statement.allow("sts:AssumeRole")
        .resources("arn:aws:iam::123456789012:role/hermes-*").build());

    assertThat(LINTER.lint(user, PolicyKind.AGENT_USER)).singleElement()
        .satisfies(f -> {
          assertThat(f.ruleId()).isEqualTo(PolicyLinter.AGENT_USER_WILDCARD);
          assertThat(f.message()).contains("arn:aws:iam::123456789012:role/hermes-*").contains("List each catalog role ARN");
        });
  }

  @Test
  void wildcardActionsAndNotActionAreErrors() {
    assertThat(LINTER.lint(PolicyDocument.of(Statement.allow("*").resources("arn:aws:s3:::b").build()),
        PolicyKind.PERMISSIONS)).extracting(LintFinding::ruleId)
        .containsExactly(PolicyLinter.WILDCARD_ACTION, PolicyLinter.READ_WRITE_DELETE);
    assertThat(LINTER.lint(PolicyDocument.of(Statement.builder().effect(Effect.ALLOW).notActions("iam:*")
        .resources("arn:aws:s3:::b").build()), PolicyKind.PERMISSIONS)).extracting(LintFinding::ruleId)
        .contains(PolicyLinter.WILDCARD_ACTION);
  }

  @Test
  void oversizedPolicyIsAnError() {
    PolicyDocument big = PolicyDocument.of(Statement.allow("s3:GetObject")
        .resources(java.util.stream.IntStream.range(0, 100).mapToObj(i -> "arn:aws:s3:::bucket-" + i + "/*").toList())
        .build());

    assertThat(LINTER.lint(big, PolicyKind.SESSION)).extracting(LintFinding::ruleId)
        .containsExactly(PolicyLinter.POLICY_TOO_LARGE);
  }

  @Test
  void actionsAreClassifiedByAwsAccessLevels() {
    assertThat(Access.of("ec2:DescribeInstances")).containsExactly(Access.READ);
    assertThat(Access.of("s3:DeleteObject")).containsExactly(Access.DELETE);
    assertThat(Access.of("s3:PutObject")).containsExactly(Access.WRITE);
    assertThat(Access.of("ec2:De*")).hasSize(3);
    assertThat(Access.of("s3:Get*")).containsExactly(Access.READ);
    // reads whose verb the old rule took for a write, and writes whose verb looks like a read
    assertThat(Access.of("dynamodb:Query")).containsExactly(Access.READ);
    assertThat(Access.of("dynamodb:Scan")).containsExactly(Access.READ);
    assertThat(Access.of("logs:FilterLogEvents")).containsExactly(Access.READ);
    assertThat(Access.of("secretsmanager:BatchGetSecretValue")).containsExactly(Access.READ);
    assertThat(Access.of("kms:GenerateDataKey")).containsExactly(Access.WRITE);
    assertThat(Access.of("rds-data:ExecuteStatement")).containsExactly(Access.WRITE);
    // a name the data does not know is taken to write
    assertThat(Access.of("s3:GetObjcet")).containsExactly(Access.WRITE);
  }

  @Test
  void aReadOnlyStatementOnEveryResourceIsNotAWriteFinding() {
    PolicyDocument reads = PolicyDocument.of(Statement.allow("dynamodb:Query", "dynamodb:Scan", "logs:FilterLogEvents",
        "logs:StartQuery").resources("*").build());
    PolicyDocument writes = PolicyDocument.of(Statement.allow("kms:GenerateDataKey").resources("*").build());

    assertThat(LINTER.lint(reads, PolicyKind.PERMISSIONS)).isEmpty();
    assertThat(LINTER.lint(writes, PolicyKind.PERMISSIONS)).extracting(LintFinding::ruleId)
        .containsExactly(PolicyLinter.WRITE_ON_ANY_RESOURCE);
  }

  /** The findings of every rule but {@link PolicyLinter#INTENT_NOT_REQUIRED} (pinned in RequireIntentTest). */
  static List<LintFinding> withoutIntentAdvice(List<LintFinding> findings) {
    return findings.stream().filter(f -> !f.ruleId().equals(PolicyLinter.INTENT_NOT_REQUIRED)).toList();
  }
}
