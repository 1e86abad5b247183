package dev.leasehold.policy;

import static dev.leasehold.policy.EvaluationResult.ALLOW;
import static dev.leasehold.policy.EvaluationResult.EXPLICIT_DENY;
import static dev.leasehold.policy.EvaluationResult.IMPLICIT_DENY;
import static dev.leasehold.policy.EvaluationResult.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The edges of policy variable syntax and resolution, numbers, and the request builder's principal keys:
 * broken syntax is UNKNOWN (never a literal match, never a guess), values that cannot be a variable's value
 * leave it unresolved, and a wildcard inside a substituted value decides nothing on its own.
 */
class PolicyVariableEdgesTest {

  private static EvaluationResult resource(String pattern, String resource, String team) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.of(
        Statement.allow("s3:GetObject").resources(pattern).build()));
    EvaluationRequest.Builder request = EvaluationRequest.builder("s3:GetObject", resource);
    if (!team.equals("-")) {
      request.principalTag("team", team);
    }
    return evaluator.evaluate(request.build());
  }

  @ParameterizedTest(name = "{0} for {1} with team={2}: {3}")
  @CsvSource(delimiter = '|', value = {
      // resolution
      "arn:aws:s3:::b/${aws:PrincipalTag/team}/*   | arn:aws:s3:::b/blue/k | blue | ALLOW",
      "arn:aws:s3:::b/${AWS:PRINCIPALTAG/TEAM}/*   | arn:aws:s3:::b/blue/k | blue | ALLOW",
      "arn:aws:s3:::b/${ aws:PrincipalTag/team }/* | arn:aws:s3:::b/blue/k | blue | ALLOW",
      "arn:aws:s3:::b/${aws:PrincipalTag/team}/*   | arn:aws:s3:::b//k     | ''   | IMPLICIT_DENY",
      "arn:aws:s3:::b/${aws:PrincipalTag/team}/*   | arn:aws:s3:::b/blue/k | -    | IMPLICIT_DENY",
      // defaults, with a doubled quote for a quote
      "arn:aws:s3:::b/${aws:PrincipalTag/team, 'it''s'}/* | arn:aws:s3:::b/it's/k | -    | ALLOW",
      "arn:aws:s3:::b/${aws:PrincipalTag/team,'none'}/*   | arn:aws:s3:::b/none/k | -    | ALLOW",
      "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*  | arn:aws:s3:::b/none/k | blue | IMPLICIT_DENY",
      // one round of substitution only: a default that looks like a variable is text
      "arn:aws:s3:::b/${aws:PrincipalTag/team, '${aws:username}'}/* | arn:aws:s3:::b/${aws:username}/k | - | ALLOW",
      // broken syntax is UNKNOWN
      "arn:aws:s3:::b/${aws:PrincipalTag/team/*     | arn:aws:s3:::b/blue/k | blue | UNKNOWN",
      "arn:aws:s3:::b/${}/*                         | arn:aws:s3:::b/blue/k | blue | UNKNOWN",
      "arn:aws:s3:::b/${aws:Principal Tag/team}/*   | arn:aws:s3:::b/blue/k | blue | UNKNOWN",
      "arn:aws:s3:::b/${aws:PrincipalTag/team, none}/* | arn:aws:s3:::b/none/k | - | UNKNOWN",
      "arn:aws:s3:::b/${aws:PrincipalTag/team, 'a'b'}/* | arn:aws:s3:::b/a/k | - | UNKNOWN",
      // a wildcard in a substituted value: literal and wildcard readings differ, so UNKNOWN; agree, so decided
      "arn:aws:s3:::b/${aws:PrincipalTag/team}/*   | arn:aws:s3:::b/blue/k | b*   | UNKNOWN",
      "arn:aws:s3:::b/${aws:PrincipalTag/team}/*   | arn:aws:s3:::b/b*/k   | b*   | ALLOW",
      "arn:aws:s3:::b/${aws:PrincipalTag/team}/*   | arn:aws:s3:::c/b*/k   | b*   | IMPLICIT_DENY",
      // escapes never act as wildcards, and are no variables (nothing to resolve)
      "arn:aws:s3:::b/${?}                          | arn:aws:s3:::b/x      | -    | IMPLICIT_DENY",
      "arn:aws:s3:::b/${?}                          | arn:aws:s3:::b/?      | -    | ALLOW",
      "arn:aws:s3:::b/${$}{x}                       | arn:aws:s3:::b/${x}   | -    | ALLOW"})
  void resourceVariables(String pattern, String resource, String team, EvaluationResult expected) {
    assertThat(resource(pattern.strip(), resource.strip(), team.strip())).isEqualTo(expected);
  }

  @Test
  void aMultivaluedKeyIsNoVariableButADefaultStillApplies() {
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.of(Statement.allow("s3:GetObject")
        .resources("arn:aws:s3:::b/${aws:TagKeys, 'none'}/*").build()));

    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/none/k")
        .context("aws:TagKeys", "env", "team").build())).isEqualTo(ALLOW);
    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/env/k")
        .context("aws:TagKeys", "env", "team").build())).isEqualTo(IMPLICIT_DENY);
  }

  @Test
  void aConditionValueWithBrokenSyntaxIsUnknownInBothEffects() {
    Statement allowAll = Statement.allow("*").resources("*").build();
    PolicyEvaluator allow = PolicyEvaluator.of(PolicyDocument.of(Statement.allow("s3:GetObject").resources("*")
        .condition("StringEquals", "s3:prefix", "${aws:username").build()));
    PolicyEvaluator deny = PolicyEvaluator.of(PolicyDocument.of(allowAll, Statement.deny("s3:GetObject").resources("*")
        .condition("StringLike", "s3:prefix", "${}*").build()));
    EvaluationRequest request = EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("s3:prefix", "${aws:username").username("hermes").build();

    assertThat(allow.evaluate(request)).isEqualTo(UNKNOWN);
    assertThat(deny.evaluate(request)).isEqualTo(UNKNOWN);
  }

  @Test
  void aDenyWithAnUnresolvedConditionValueFollowsTheElementRule() {
    // StringEquals against a value with no value matches nothing: the Deny does not take effect;
    // StringNotEquals matches it: the Deny does ("Policy variables with no value")
    Statement allowAll = Statement.allow("*").resources("*").build();
    EvaluationRequest noTag = EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("s3:ExistingObjectTag/team", "blue").build();

    assertThat(PolicyEvaluator.of(PolicyDocument.of(allowAll, Statement.deny("s3:*").resources("*")
        .condition("StringEquals", "s3:ExistingObjectTag/team", "${aws:PrincipalTag/team}").build())).evaluate(noTag))
        .isEqualTo(ALLOW);
    assertThat(PolicyEvaluator.of(PolicyDocument.of(allowAll, Statement.deny("s3:*").resources("*")
        .condition("StringNotEquals", "s3:ExistingObjectTag/team", "${aws:PrincipalTag/team}").build())).evaluate(noTag))
        .isEqualTo(EXPLICIT_DENY);
  }

  @Test
  void anAllowWithAnUnresolvedConditionValueDoesNotApplyEvenThroughANegatedOperator() {
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.of(Statement.allow("s3:*").resources("*")
        .condition("StringNotEquals", "s3:ExistingObjectTag/team", "${aws:PrincipalTag/team}").build()));

    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("s3:ExistingObjectTag/team", "blue").build())).isEqualTo(IMPLICIT_DENY);
    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k")
        .principalTag("team", "red").context("s3:ExistingObjectTag/team", "blue").build())).isEqualTo(ALLOW);
  }

  @ParameterizedTest(name = "NumericLessThan {0} for {1}: {2}")
  @CsvSource({
      "10, 9.5, ALLOW",
      "10, -3, ALLOW",
      "10, +3, ALLOW",
      "10, 1e0, IMPLICIT_DENY",
      "10, 5f, IMPLICIT_DENY",
      "10, 0x5, IMPLICIT_DENY",
      "10, 5., IMPLICIT_DENY",
      "10, .5, IMPLICIT_DENY",
      "1e3, 5, UNKNOWN",
      "10d, 5, UNKNOWN",
      "Infinity, 5, UNKNOWN",
      "NaN, 5, UNKNOWN"})
  void numbersArePlainDecimals(String policyValue, String requestValue, EvaluationResult expected) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.of(Statement.allow("s3:ListBucket").resources("*")
        .condition("NumericLessThan", "s3:max-keys", policyValue).build()));

    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:max-keys", requestValue).build())).isEqualTo(expected);
  }

  @Test
  void theBuilderShortcutsSetThePrincipalKeys() {
    EvaluationRequest request = EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k").username("hermes")
        .userId("AIDAEXAMPLE").principalTag("team", "blue").sourceIdentity("hermes-agent").build();

    assertThat(request.contextValues("AWS:USERNAME")).containsExactly("hermes");
    assertThat(request.contextValues(EvaluationRequest.USERID)).containsExactly("AIDAEXAMPLE");
    assertThat(request.contextValues("aws:principaltag/team")).containsExactly("blue");
    assertThat(request.contextValues(EvaluationRequest.SOURCE_IDENTITY)).containsExactly("hermes-agent");
    assertThat(request.context()).hasSize(4);
  }

  @Test
  void escapesInAConditionAreLiteralCharacters() {
    PolicyEvaluator evaluator = PolicyEvaluator.of(List.of(Statement.allow("s3:ListBucket").resources("*")
        .condition("StringLike", "s3:prefix", "docs/${*}/${?}").build()));

    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:prefix", "docs/*/?").build())).isEqualTo(ALLOW);
    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:prefix", "docs/a/b").build())).isEqualTo(IMPLICIT_DENY);
  }
}
