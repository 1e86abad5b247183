package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.catalog.CatalogInvalidException;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.policy.EvaluationRequest;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.policy.PolicyParseException;
import dev.leasehold.policy.Statement;
import org.junit.jupiter.api.Test;

/**
 * Findings of the fuzz tests, pinned as plain tests with a name that says what broke. The inputs also
 * stay in the fuzz tests' seed corpora (src/test/resources/dev/leasehold/hardening/*Inputs).
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

  /** PolicyFuzzTestInputs/parseWriteEvaluate/finding-blank-condition-key.json: IllegalArgumentException from Condition. */
  @Test
  void aBlankConditionKeyOrOperatorIsAParseProblemNotACrash() {
    assertThatThrownBy(() -> PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"sts:AssumeRole\",\"Condition\":{\"Bool\":{\"\":\"true\"}}}}"))
        .isInstanceOfSatisfying(PolicyParseException.class, e -> assertThat(e.problems())
            .containsExactly("line 1, column 102: condition key under \"Bool\" must not be blank"));
    assertThatThrownBy(() -> PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\" \":{\"aws:SecureTransport\":\"true\"}}}}"))
        .isInstanceOfSatisfying(PolicyParseException.class, e -> assertThat(e.problems()).singleElement()
            .asString().endsWith("condition operator must not be blank"));
  }

  /** The same blank key in a catalog's conditions is a located catalog problem. */
  @Test
  void aBlankConditionKeyInACatalogIsALocatedProblem() {
    String yaml = String.join("\n",
        "version: 1",
        "agent:",
        "  name: hermes",
        "  mfaSerial: arn:aws:iam::123456789012:mfa/hermes",
        "roles:",
        "  ec2-read:",
        "    arn: arn:aws:iam::123456789012:role/hermes-dev-ec2-read",
        "    permissions:",
        "      - effect: Allow",
        "        actions: [\"ec2:Describe*\"]",
        "        resources: [\"*\"]",
        "        conditions: {Bool: {\"\": true}}",
        "");
    assertThatThrownBy(() -> RoleCatalog.parse(yaml, RoleCatalog.Format.YAML))
        .isInstanceOfSatisfying(CatalogInvalidException.class, e -> assertThat(e.problems()).singleElement()
            .satisfies(p -> {
              assertThat(p.line()).isEqualTo(12);
              assertThat(p.message()).contains("must not be blank");
            }));
  }

  /** CatalogFuzzTestInputs/json/finding-empty-agent-name.json: IllegalArgumentException from AgentIdentity. */
  @Test
  void anEmptyAgentNameIsALocatedProblemNotACrash() {
    assertThatThrownBy(() -> RoleCatalog.parse("{\"version\": 1, \"agent\": {\"name\": \"\"}, \"roles\": {}}",
        RoleCatalog.Format.JSON))
        .isInstanceOfSatisfying(CatalogInvalidException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> assertThat(p.message()).startsWith("agent name '' must be 2-64 letters")));
  }
}
