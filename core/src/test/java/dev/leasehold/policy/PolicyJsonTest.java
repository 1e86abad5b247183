package dev.leasehold.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyJsonTest {

  /** Documents in the shapes AWS's own documentation writes them, already in IAM's member order. */
  @ParameterizedTest
  @ValueSource(strings = {
      // identity policy with a condition, single strings
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowS3\",\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\","
          + "\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::my-app-bucket/*\",\"Condition\":{\"StringEquals\":"
          + "{\"s3:x-amz-server-side-encryption\":\"aws:kms\"}}}]}",
      // a single statement object, one-element arrays, an Id
      "{\"Version\":\"2012-10-17\",\"Id\":\"policy-1\",\"Statement\":{\"Effect\":\"Deny\",\"NotAction\":[\"iam:*\"],"
          + "\"NotResource\":[\"arn:aws:s3:::b\"]}}",
      // trust policy: principal map, boolean and number condition values
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::123456789012:root\"],"
          + "\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"Bool\":"
          + "{\"aws:MultiFactorAuthPresent\":true},\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":3600}}}]}",
      // NotPrincipal, Principal "*", array condition values, set operator
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::123456789012:user/a\"},"
          + "\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
          + "\"Resource\":\"*\",\"Condition\":{\"ForAnyValue:StringLike\":{\"aws:TagKeys\":[\"a*\",\"b\"]},"
          + "\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\"]}}}]}",
      // no Version at all
      "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\"}]}"})
  void roundTripsWithoutLoss(String json) {
    PolicyDocument document = PolicyDocument.parse(json);

    assertThat(document.toCompactJson()).isEqualTo(json);
    assertThat(PolicyDocument.parse(document.toJson())).isEqualTo(document);
  }

  @Test
  void prettyJsonIsIndentedLikeIam() {
    PolicyDocument d = PolicyDocument.of(Statement.allow("s3:GetObject").resources("arn:aws:s3:::b/*").build());

    assertThat(d.toJson()).isEqualTo("""
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Action": "s3:GetObject",
              "Resource": "arn:aws:s3:::b/*"
            }
          ]
        }""");
  }

  @Test
  void parsedValuesAreKept() {
    PolicyDocument d = PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":false}}}]}");

    assertThat(d.statements().get(0).conditions()).containsExactly(new Condition("Bool", "aws:SecureTransport",
        List.of("false"), false, List.of(Condition.ValueType.BOOLEAN)));
    assertThat(d).isNotEqualTo(PolicyDocument.of(Statement.allow("s3:GetObject").resources("*")
        .condition("Bool", "aws:SecureTransport", "false").build()));
  }

  @Test
  void malformedJsonIsATypedErrorWithTheSpot() {
    PolicyParseException e = catchThrowableOfType(PolicyParseException.class,
        () -> PolicyDocument.parse("{\"Version\": \"2012-10-17\",\n \"Statement\": [}"));

    assertThat(e.problems()).singleElement().asString().startsWith("line 2, column 16: not valid JSON: ");
    assertThat(e).isInstanceOf(dev.leasehold.LeaseholdException.class);
  }

  @Test
  void malformedPoliciesListEveryProblem() {
    PolicyParseException e = catchThrowableOfType(PolicyParseException.class, () -> PolicyDocument.parse("""
        {"Version": "2012-10-17", "Statment": [],
         "Statement": [
          {"Effect": "Maybe", "Action": "s3:GetObject"},
          {"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"},
          {"Effect": "Allow", "Action": [], "Resource": "*", "Condition": {"Bool": "true"}}
         ]}"""));

    assertThat(e.problems()).containsExactly(
        "line 1, column 27: unknown key 'Statment'; expected one of Id, Statement, Version",
        "line 3, column 14: Effect must be \"Allow\" or \"Deny\", was \"Maybe\"",
        "line 4, column 3: a statement needs exactly one of Action or NotAction",
        "line 5, column 33: \"Action\" must be a string or a non-empty list of strings, was a list (empty)",
        "line 5, column 76: condition operator \"Bool\" must map context keys to values, such as "
            + "{\"aws:SecureTransport\": \"true\"}");
    assertThat(e.getMessage()).startsWith("Not a valid IAM policy document");
  }
}
