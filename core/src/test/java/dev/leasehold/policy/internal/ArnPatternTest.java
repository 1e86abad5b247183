package dev.leasehold.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two documented readings of ARN wildcards, each on its own, and the three-valued answer built from
 * them: the segment reading ("IAM JSON policy elements: Resource") and the six-part reading (the ARN format
 * and the {@code Arn*} operators).
 */
class ArnPatternTest {

  @ParameterizedTest(name = "{0} ~ {1}: segments {2}, six parts {3}, answer {4}")
  @CsvSource({
      // ordinary patterns: both readings agree
      "arn:aws:s3:::bucket/*, arn:aws:s3:::bucket/a/b, true, true, TRUE",
      "arn:aws:s3:::bucket/*, arn:aws:s3:::other/a, false, false, FALSE",
      "arn:aws:ec2:*:123456789012:instance/*, arn:aws:ec2:us-east-1:123456789012:instance/i-1, true, true, TRUE",
      "arn:aws:ec2:us-east-?:*:instance/*, arn:aws:ec2:us-east-1:1:instance/i-1, true, true, TRUE",
      // a ? or a mid-segment * never takes the place of a separating colon
      "arn:aws:ec2?us-east-1:1:instance/*, arn:aws:ec2:us-east-1:1:instance/i-1, false, false, FALSE",
      "arn:aws:e*1:1:instance/*, arn:aws:ec2:us-east-1:1:instance/i-1, false, false, FALSE",
      // a * that ends a segment runs on over colons in the segment reading only
      "arn:aws:sns:*:*:topic, arn:aws:sns:us-east-1:1:2:topic, true, false, UNKNOWN",
      // the resource part: colons belong to it in the six-part reading
      "arn:aws:s3:::b/*/x, arn:aws:s3:::b/a:c/x, false, true, UNKNOWN",
      "arn:aws:s3:::b/?, arn:aws:s3:::b/:, false, true, UNKNOWN",
      "arn:aws:logs:*:*:log-group:app:*, arn:aws:logs:us-east-1:1:log-group:app:log-stream:s, true, true, TRUE",
      // short patterns: a trailing * runs on; the six-part reading pads with *
      "arn:aws:s3*, arn:aws:s3:::b/k, true, true, TRUE",
      "arn:aws:iam::1*, arn:aws:iam::123:role/x, true, true, TRUE",
      "arn:aws:ec2, arn:aws:ec2:us-east-1:1:instance/i-1, false, true, UNKNOWN",
      "arn:aws:s3:::b, arn:aws:s3:::b, true, true, TRUE",
      // not ARNs
      "*, anything:at:all, true, true, TRUE",
      "b/*, b/a:c, true, true, TRUE",
      "arn:aws:s3:::b/*, *, false, false, FALSE"})
  void readings(String pattern, String text, boolean segments, boolean sixParts, Tri answer) {
    ArnPattern p = ArnPattern.of(pattern);

    assertThat(p.bySegments(text)).as("segments").isEqualTo(segments);
    assertThat(p.bySixParts(text, false)).as("six parts").isEqualTo(sixParts);
    assertThat(p.matches(text)).isEqualTo(answer);
  }

  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource({
      "arn:aws:S3:::b/k, arn:aws:s3:::b/k, UNKNOWN",
      "arn:AWS:s3:::b/*, arn:aws:s3:::b/k, UNKNOWN",
      "arn:aws:s3:::B/k, arn:aws:s3:::b/k, FALSE",
      "arn:aws:s3:::b/K, arn:aws:s3:::b/k, FALSE"})
  void caseOfTheHeadIsUndocumentedTheResourcePartIsCaseSensitive(String pattern, String text, Tri answer) {
    assertThat(ArnPattern.of(pattern).matches(text)).isEqualTo(answer);
  }

  @Test
  void literalPositionsAreNoWildcards() {
    BitSet literal = new BitSet();
    literal.set("arn:aws:s3:::b/".length());

    assertThat(ArnPattern.of("arn:aws:s3:::b/*", literal).matches("arn:aws:s3:::b/*")).isEqualTo(Tri.TRUE);
    assertThat(ArnPattern.of("arn:aws:s3:::b/*", literal).matches("arn:aws:s3:::b/k")).isEqualTo(Tri.FALSE);
    assertThat(ArnPattern.of("arn:aws:s3:::b/*").matches("arn:aws:s3:::b/k")).isEqualTo(Tri.TRUE);
  }
}
