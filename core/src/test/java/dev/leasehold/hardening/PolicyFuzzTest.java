package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.leasehold.policy.EvaluationRequest;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.policy.PolicyParseException;
import dev.leasehold.policy.Statement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the policy parser and the local evaluator. The contract under test: any text either parses
 * into a document that writes back and parses again to an equal document, or is refused with
 * {@link PolicyParseException} listing its problems; and a parsed document's evaluator answers every
 * request (fixed ones, and ones built from the document's own action and resource patterns) without
 * throwing, giving the same answer twice. Any other exception is a finding.
 */
class PolicyFuzzTest {
  private static final List<EvaluationRequest> FIXED = List.of(
      EvaluationRequest.of("s3:GetObject", "arn:aws:s3:::hermes-dev-deploy/releases/1.4.2.zip"),
      EvaluationRequest.of("S3:PUTOBJECT", "*"),
      EvaluationRequest.of("", ""),
      EvaluationRequest.of("ec2:DescribeInstances", "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"),
      EvaluationRequest.builder("sts:AssumeRole", "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy")
          .principal("arn:aws:iam::123456789012:user/agents/hermes-dev-agent")
          .context("aws:MultiFactorAuthPresent", "true")
          .context("aws:SourceIp", "10.1.2.3")
          .context("aws:CurrentTime", "2026-01-01T00:00:00Z")
          .context("aws:TokenIssueTime", "1700000000")
          .context("aws:MultiFactorAuthAge", "30")
          .context("aws:PrincipalTag/team", "a", "b")
          .context("s3:prefix")
          .build());

  @FuzzTest(maxDuration = "2m")
  void parseWriteEvaluate(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    PolicyDocument document;
    try {
      document = PolicyDocument.parse(text);
    } catch (PolicyParseException e) {
      assertThat(e.problems()).isNotEmpty();
      return;
    }
    PolicyDocument again = PolicyDocument.parse(document.toJson());
    assertThat(again).as("round trip of %s", document.toCompactJson()).isEqualTo(document);
    assertThat(PolicyDocument.parse(document.toCompactJson())).isEqualTo(document);

    PolicyEvaluator evaluator = PolicyEvaluator.of(document);
    List<EvaluationRequest> requests = new ArrayList<>(FIXED);
    for (Statement s : document.statements()) {
      for (String action : s.actions()) {
        for (String resource : s.resources().isEmpty() ? List.of("*") : s.resources()) {
          requests.add(EvaluationRequest.of(action, resource));
        }
      }
    }
    for (EvaluationRequest request : requests.subList(0, Math.min(requests.size(), 64))) {
      EvaluationResult first = evaluator.evaluate(request);
      assertThat(evaluator.evaluate(request)).isEqualTo(first);
      evaluator.evaluateOnSomeResource(request.action());
    }
  }
}
