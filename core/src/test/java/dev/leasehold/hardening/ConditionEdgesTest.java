package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.policy.EvaluationRequest;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.policy.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The byte- and colon-level edges of the {@code IpAddress} and {@code Arn*} condition operators: prefixes
 * that end inside a byte, the largest and smallest prefixes, malformed literals on either side, address
 * families that do not mix, and ARN parts that wildcards may not cross.
 */
class ConditionEdgesTest {

  private static EvaluationResult evaluate(String operator, String key, String policyValue, String requestValue) {
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.of(Statement.allow("s3:GetObject").resources("*")
        .condition(operator, key, policyValue).build()));
    return evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::b/k").context(key, requestValue).build());
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
      "10.0.0.0/8, 10.255.255.255, ALLOW",
      "10.0.0.0/8, 11.0.0.0, IMPLICIT_DENY",
      "10.0.0.0/9, 10.127.0.1, ALLOW",
      "10.0.0.0/9, 10.128.0.1, IMPLICIT_DENY",
      "192.168.1.128/25, 192.168.1.200, ALLOW",
      "192.168.1.128/25, 192.168.1.127, IMPLICIT_DENY",
      "192.168.1.0/31, 192.168.1.1, ALLOW",
      "192.168.1.0/31, 192.168.1.2, IMPLICIT_DENY",
      "192.168.1.0/23, 192.168.0.77, ALLOW",
      "192.168.0.0/23, 192.168.2.77, IMPLICIT_DENY",
      "192.168.0.0/23, 192.168.1.77, ALLOW",
      "1.2.3.4/32, 1.2.3.4, ALLOW",
      "1.2.3.4/32, 1.2.3.5, IMPLICIT_DENY",
      "1.2.3.4, 1.2.3.4, ALLOW",
      "1.2.3.4, 1.2.3.5, IMPLICIT_DENY",
      "0.0.0.0/0, 203.0.113.9, ALLOW",
      "255.255.255.255/32, 255.255.255.255, ALLOW",
      "1.2.3.4/33, 1.2.3.4, UNKNOWN",
      "1.2.3.4/-1, 1.2.3.4, UNKNOWN",
      "1.2.3.4/x, 1.2.3.4, UNKNOWN",
      "256.1.1.1/8, 1.2.3.4, UNKNOWN",
      "1.2.3/24, 1.2.3.4, UNKNOWN",
      "1.2.3.4.5/8, 1.2.3.4, UNKNOWN",
      "1..2.3/8, 1.2.3.4, UNKNOWN",
      "localhost/8, 127.0.0.1, UNKNOWN",
      "10.0.0.0/8, 10.0.0.256, IMPLICIT_DENY",
      "10.0.0.0/8, 10.0.0, IMPLICIT_DENY",
      "10.0.0.0/8, not-an-address, IMPLICIT_DENY",
      "10.0.0.0/8, 2001:db8::1, IMPLICIT_DENY",
      "2001:db8::/32, 2001:db8:ffff::1, ALLOW",
      "2001:db8::/32, 2001:db9::1, IMPLICIT_DENY",
      "2001:db8::/33, 2001:db8:7fff::1, ALLOW",
      "2001:db8::/33, 2001:db8:8000::1, IMPLICIT_DENY",
      "2001:db8::1/128, 2001:db8::1, ALLOW",
      "2001:db8::1/128, 2001:db8::2, IMPLICIT_DENY",
      "2001:db8::1/129, 2001:db8::1, UNKNOWN",
      "2001:db8::g/64, 2001:db8::1, UNKNOWN",
      "2001:db8::/32, 10.0.0.1, IMPLICIT_DENY"})
  void ipAddress(String cidr, String address, EvaluationResult expected) {
    assertThat(evaluate("IpAddress", "aws:SourceIp", cidr, address)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "NotIpAddress {0} for {1}: {2}")
  @CsvSource({
      "10.0.0.0/8, 11.0.0.1, ALLOW",
      "10.0.0.0/8, 10.0.0.1, IMPLICIT_DENY"})
  void notIpAddress(String cidr, String address, EvaluationResult expected) {
    assertThat(evaluate("NotIpAddress", "aws:SourceIp", cidr, address)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} like {1}: {2}")
  @CsvSource({
      "arn:aws:s3:::bucket/*, arn:aws:s3:::bucket/key, ALLOW",
      "arn:aws:s3:::bucket/*, arn:aws:s3:::other/key, IMPLICIT_DENY",
      "arn:aws:iam::*:role/deploy, arn:aws:iam::123456789012:role/deploy, ALLOW",
      "arn:aws:iam::*:role/deploy, arn:aws:iam::123456789012:user/deploy, IMPLICIT_DENY",
      "arn:aws:iam::1*, arn:aws:iam::123456789012:role/x, ALLOW",
      "arn:aws:*:us-east-1:*:*, arn:aws:sns:us-east-1:123456789012:topic, ALLOW",
      "arn:aws:*:us-east-1:*:*, arn:aws:sns:us-west-2:123456789012:topic, IMPLICIT_DENY",
      "arn:aws:*:*:*:*, arn:aws:sns:us-east-1:123456789012, IMPLICIT_DENY",
      // AWS documents two readings that differ here: the segment rule lets the '*' that ends the account
      // segment run on over "123:456", the six-part rule puts "456:topic" in the resource part
      "arn:aws:sns:*:*:topic, arn:aws:sns:us-east-1:123:456:topic, UNKNOWN",
      "arn:aws:sns:?s-east-1:*:topic, arn:aws:sns:us-east-1:123:topic, ALLOW",
      "arn:aws:sns?us-east-1:*:topic, arn:aws:sns:us-east-1:123:topic, IMPLICIT_DENY",
      "arn:aws:sns:us-east-1:123:t*c, arn:aws:sns:us-east-1:123:to:pic, UNKNOWN",
      "arn:aws:sns:*:*:*, arn:aws:sns:us-east-1:123:456:topic, ALLOW",
      "arn:aws:sns:us-east-1:*:t?pic, arn:aws:sns:us-east-1:1:topic, ALLOW",
      "arn:aws:s*, arn:aws:sns:us-east-1:1:topic, ALLOW",
      "arn:aws:s*, arn:aws:ec2:us-east-1:1:instance, IMPLICIT_DENY"})
  void arnLike(String pattern, String arn, EvaluationResult expected) {
    assertThat(evaluate("ArnLike", "aws:SourceArn", pattern, arn)).isEqualTo(expected);
  }
}
