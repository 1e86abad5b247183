package dev.leash.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.leash.policy.EvaluationRequest;
import dev.leash.policy.EvaluationResult;
import dev.leash.policy.PolicyDocument;
import dev.leash.policy.PolicyEvaluator;
import dev.leash.policy.Statement;
import org.junit.jupiter.api.Test;

/**
 * Findings of the fuzz tests, pinned as plain tests with a name that says what broke. The inputs also
 * stay in the fuzz tests' seed corpora (src/test/resources/dev/leash/hardening/*Inputs).
 */
class FuzzFindingsTest {

  /** PolicyFuzzTestInputs/parseWriteEvaluate/odd-values.json: ArithmeticException: long overflow. */
  @Test
  void aDateBeyondTheEpochMillisecondRangeIsUndecidableNotACrash() {
    PolicyDocument policy = PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"*\","
        + "\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":\"-999999999-01-01T00:00:00Z\"}}}}");

    PolicyEvaluator evaluator = PolicyEvaluator.of(policy);

    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:CurrentTime", "2026-01-01T00:00:00Z").build())).isEqualTo(EvaluationResult.UNKNOWN);
  }

  @Test
  void aRequestDateBeyondTheEpochMillisecondRangeDoesNotMatchAndDoesNotThrow() {
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.of(Statement.allow("s3:GetObject").resources("*")
        .condition("DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z").build()));

    assertThatCode(() -> evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:CurrentTime", "+999999999-12-31T23:59:59Z").build())).doesNotThrowAnyException();
    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:CurrentTime", "+999999999-12-31T23:59:59Z").build()).isAllowed()).isFalse();
  }
}
