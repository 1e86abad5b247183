package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.catalog.AgentIdentity;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.LintFinding;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyKind;
import dev.leasehold.policy.PolicyLinter;
import dev.leasehold.policy.Principal;
import dev.leasehold.policy.Statement;
import dev.leasehold.testing.MutableClock;
import dev.leasehold.support.TestCatalogs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One document per linter rule and per way around it: what triggers each finding, and the look-alikes
 * (deny statements, MFA conditions, exact ARNs, read-only access) that must not.
 */
class LinterEdgesTest {
  private final PolicyLinter linter = PolicyLinter.create();

  private List<String> rules(PolicyDocument document, PolicyKind kind) {
    return linter.lint(document, kind).stream().map(LintFinding::ruleId).toList();
  }

  private static Statement.Builder trust(String... actions) {
    return Statement.allow(actions).principal(Principal.aws("arn:aws:iam::123456789012:user/agents/hermes"));
  }

  @Test
  void trustRules() {
    assertThat(rules(PolicyDocument.of(trust("sts:AssumeRole")
        .condition("Bool", "aws:MultiFactorAuthPresent", "true").build()), PolicyKind.TRUST)).isEmpty();
    assertThat(rules(PolicyDocument.of(trust("sts:AssumeRole").build()), PolicyKind.TRUST))
        .containsExactly(PolicyLinter.TRUST_WITHOUT_MFA);
    assertThat(rules(PolicyDocument.of(trust("sts:AssumeRole")
        .condition("Bool", "aws:MultiFactorAuthPresent", "false").build()), PolicyKind.TRUST))
        .containsExactly(PolicyLinter.TRUST_WITHOUT_MFA);
    assertThat(rules(PolicyDocument.of(trust("STS:*").build()), PolicyKind.TRUST)).containsExactly(PolicyLinter.TRUST_WITHOUT_MFA);
    assertThat(rules(PolicyDocument.of(trust("*").build()), PolicyKind.TRUST)).containsExactly(PolicyLinter.TRUST_WITHOUT_MFA);
    assertThat(rules(PolicyDocument.of(Statement.builder().effect(dev.leasehold.policy.Effect.ALLOW)
        .principal(Principal.aws("arn:aws:iam::123456789012:user/agents/hermes")).notActions("sts:TagSession").build()),
        PolicyKind.TRUST)).containsExactly(PolicyLinter.TRUST_WITHOUT_MFA);
    assertThat(rules(PolicyDocument.of(trust("sts:TagSession").build()), PolicyKind.TRUST)).isEmpty();
    assertThat(rules(PolicyDocument.of(Statement.allow("sts:AssumeRole").principal(Principal.any())
        .condition("Bool", "aws:MultiFactorAuthPresent", "true").build()), PolicyKind.TRUST))
        .containsExactly(PolicyLinter.PRINCIPAL_ANYONE);
    assertThat(rules(PolicyDocument.of(Statement.deny("sts:AssumeRole").principal(Principal.any()).build()), PolicyKind.TRUST))
        .isEmpty();
  }

  @Test
  void agentUserRule() {
    assertThat(rules(PolicyDocument.of(Statement.allow("sts:AssumeRole")
        .resources("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy").build()), PolicyKind.AGENT_USER)).isEmpty();
    assertThat(rules(PolicyDocument.of(Statement.allow("sts:AssumeRole")
        .resources("arn:aws:iam::123456789012:role/hermes-dev-s3-deplo?").build()), PolicyKind.AGENT_USER))
        .containsExactly(PolicyLinter.AGENT_USER_WILDCARD);
    assertThat(rules(PolicyDocument.of(Statement.allow("sts:AssumeRole")
        .resources("arn:aws:iam::123456789012:role/hermes-*").build()), PolicyKind.AGENT_USER))
        .containsExactly(PolicyLinter.AGENT_USER_WILDCARD);
    assertThat(rules(PolicyDocument.of(Statement.allow("sts:AssumeRole")
        .notResources("arn:aws:iam::123456789012:role/admin").build()), PolicyKind.AGENT_USER))
        .containsExactly(PolicyLinter.AGENT_USER_WILDCARD);
    assertThat(rules(PolicyDocument.of(Statement.deny("sts:AssumeRole").resources("*").build()), PolicyKind.AGENT_USER))
        .isEmpty();
  }

  @Test
  void permissionRules() {
    assertThat(rules(PolicyDocument.of(Statement.allow("s3:GetObject", "s3:ListBucket").resources("*").build()),
        PolicyKind.PERMISSIONS)).isEmpty();
    assertThat(rules(PolicyDocument.of(Statement.allow("s3:PutObject").resources("*").build()), PolicyKind.PERMISSIONS))
        .containsExactly(PolicyLinter.WRITE_ON_ANY_RESOURCE);
    assertThat(rules(PolicyDocument.of(Statement.allow("s3:DeleteObject").notResources("arn:aws:s3:::keep/*").build()),
        PolicyKind.PERMISSIONS)).containsExactly(PolicyLinter.WRITE_ON_ANY_RESOURCE);
    assertThat(rules(PolicyDocument.of(Statement.allow("s3:PutObject").resources("arn:aws:s3:::b/*").build()),
        PolicyKind.PERMISSIONS)).isEmpty();
    assertThat(rules(PolicyDocument.of(Statement.allow("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
        .resources("arn:aws:s3:::b/*").build()), PolicyKind.PERMISSIONS)).containsExactly(PolicyLinter.READ_WRITE_DELETE);
    assertThat(rules(PolicyDocument.of(Statement.allow("s3:*").resources("arn:aws:s3:::b/*").build()), PolicyKind.PERMISSIONS))
        .contains(PolicyLinter.WILDCARD_ACTION);
    assertThat(rules(PolicyDocument.of(Statement.allow("*").resources("arn:aws:s3:::b/*").build()), PolicyKind.PERMISSIONS))
        .contains(PolicyLinter.WILDCARD_ACTION);
    assertThat(rules(PolicyDocument.of(Statement.builder().effect(dev.leasehold.policy.Effect.ALLOW)
        .notActions("iam:*").resources("arn:aws:s3:::b/*").build()), PolicyKind.PERMISSIONS))
        .containsExactly(PolicyLinter.WILDCARD_ACTION, PolicyLinter.READ_WRITE_DELETE);
    assertThat(rules(PolicyDocument.of(Statement.deny("*").resources("*").build()), PolicyKind.PERMISSIONS)).isEmpty();
  }

  @Test
  void aSessionPolicyOverItsLimitIsAFinding() {
    String[] actions = new String[150];
    for (int i = 0; i < actions.length; i++) {
      actions[i] = "s3:GetObjectVersionForReplication" + i;
    }
    List<LintFinding> findings = linter.lint(PolicyDocument.of(Statement.allow(actions).resources("arn:aws:s3:::b/*").build()),
        PolicyKind.SESSION);
    assertThat(findings).extracting(LintFinding::ruleId).containsExactly(PolicyLinter.POLICY_TOO_LARGE);
  }

  @Test
  void aTemporaryRoleIsFlaggedOnlyOnceItsGrantHasEnded() {
    Instant now = Instant.parse("2026-06-01T00:00:00Z");
    RoleCatalog reference = TestCatalogs.reference();
    RoleCatalog catalog = RoleCatalog.builder(reference.agent())
        .role(reference.role("s3-deploy").orElseThrow().toBuilder().notAfter(now.plus(Duration.ofHours(1))).build())
        .build();
    MutableClock clock = new MutableClock(now);
    PolicyLinter atClock = PolicyLinter.withClock(clock);

    assertThat(withoutIntentAdvice(atClock.lint(catalog))).isEmpty();
    clock.advance(Duration.ofHours(1));
    assertThat(withoutIntentAdvice(atClock.lint(catalog))).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(withoutIntentAdvice(atClock.lint(catalog))).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo(PolicyLinter.ROLE_EXPIRED);
      assertThat(f.roleKey()).isEqualTo("s3-deploy");
    });
  }

  @Test
  void withoutTheAgentUserArnOnlyTheRolesOwnPermissionsAreLinted() {
    RoleCatalog catalog = RoleCatalog.builder(new AgentIdentity("hermes", TestCatalogs.MFA_SERIAL, null))
        .role(RoleSpec.builder("wide", "arn:aws:iam::123456789012:role/wide")
            .permission(Statement.allow("s3:*").resources("*").build()).build())
        .build();
    assertThat(linter.lint(catalog)).extracting(LintFinding::ruleId)
        .containsExactly(PolicyLinter.WILDCARD_ACTION, PolicyLinter.READ_WRITE_DELETE, PolicyLinter.WRITE_ON_ANY_RESOURCE,
            PolicyLinter.INTENT_NOT_REQUIRED);
  }

  private static List<LintFinding> withoutIntentAdvice(List<LintFinding> findings) {
    return findings.stream().filter(f -> !f.ruleId().equals(PolicyLinter.INTENT_NOT_REQUIRED)).toList();
  }
}
