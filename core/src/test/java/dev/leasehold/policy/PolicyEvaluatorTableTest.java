package dev.leasehold.policy;

import static dev.leasehold.policy.EvaluationResult.ALLOW;
import static dev.leasehold.policy.EvaluationResult.EXPLICIT_DENY;
import static dev.leasehold.policy.EvaluationResult.IMPLICIT_DENY;
import static dev.leasehold.policy.EvaluationResult.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evaluator against IAM's documented evaluation logic (policy evaluation logic, the Condition
 * operators page, and the NotAction / NotResource / Principal element pages). Each row: a policy, a
 * request (action, resource, principal, context {@code key=v1,v2;key2=v}) and the answer IAM gives.
 */
class PolicyEvaluatorTableTest {

  private static final String S3 = doc(
      "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:Put*\"],\"Resource\":\"arn:aws:s3:::bucket/*\"}",
      "{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::bucket/secret/*\"}");
  private static final String DESCRIBE = allow("ec2:Describe*", "*");
  private static final String ONE_CHAR = allow("s3:Get?bject", "*");
  private static final String ANY_SERVICE_LIST = allow("*:List*", "*");
  private static final String EVERYTHING = allow("*", "*");
  private static final String TWO_CHAR_BUCKETS = allow("s3:GetObject", "arn:aws:s3:::logs-??/*");
  private static final String DEEP = allow("s3:GetObject", "arn:aws:s3:::bucket/*/report.csv");
  private static final String NOT_IAM = doc("{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}");
  private static final String DENY_ALL_BUT_READ = doc("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}",
      "{\"Effect\":\"Deny\",\"NotAction\":[\"s3:GetObject\",\"s3:ListBucket\"],\"Resource\":\"*\"}");
  private static final String NOT_PRIVATE = doc(
      "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::private/*\"}");
  private static final String DENY_OUTSIDE_OK = doc("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}",
      "{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":[\"arn:aws:s3:::ok/*\"]}");
  private static final String USER = "arn:aws:iam::123456789012:user/agents/hermes";
  private static final String OTHER = "arn:aws:iam::123456789012:user/mallory";
  private static final String FOREIGN = "arn:aws:iam::210987654321:user/hermes";
  private static final String TRUST_USER = doc(
      "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + USER + "\"},\"Action\":\"sts:AssumeRole\"}");
  private static final String TRUST_ACCOUNT = doc(
      "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"sts:AssumeRole\"}");
  private static final String TRUST_ANYONE = doc("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\"}");
  private static final String DENY_NOT_USER = doc("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\"}",
      "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" + USER + "\"]},\"Action\":\"*\"}");
  private static final String ROLE = "arn:aws:iam::123456789012:role/deploy";

  static Stream<Arguments> cases() {
    return Stream.of(
        // IAM's order: explicit deny, then allow, else implicit deny
        row(S3, "s3:GetObject", "arn:aws:s3:::bucket/a", "", "", ALLOW),
        row(S3, "S3:GETOBJECT", "arn:aws:s3:::bucket/a", "", "", ALLOW),
        row(S3, "s3:GetObject", "arn:aws:s3:::BUCKET/a", "", "", IMPLICIT_DENY),
        row(S3, "s3:PutObject", "arn:aws:s3:::bucket/a", "", "", ALLOW),
        row(S3, "s3:PutObject", "arn:aws:s3:::bucket/secret/a", "", "", EXPLICIT_DENY),
        row(S3, "s3:PutObjectAcl", "arn:aws:s3:::bucket/secret/a", "", "", ALLOW),
        row(S3, "s3:DeleteObject", "arn:aws:s3:::bucket/a", "", "", IMPLICIT_DENY),
        row(S3, "s3:GetObject", "arn:aws:s3:::other/a", "", "", IMPLICIT_DENY),
        // action wildcards: case-insensitive, * and ?, service prefix too
        row(DESCRIBE, "ec2:DescribeInstances", "*", "", "", ALLOW),
        row(DESCRIBE, "EC2:describeinstances", "*", "", "", ALLOW),
        row(DESCRIBE, "ec2:RunInstances", "*", "", "", IMPLICIT_DENY),
        row(ONE_CHAR, "s3:GetObject", "*", "", "", ALLOW),
        row(ONE_CHAR, "s3:GetObjects", "*", "", "", IMPLICIT_DENY),
        row(ANY_SERVICE_LIST, "iam:ListUsers", "*", "", "", ALLOW),
        row(ANY_SERVICE_LIST, "s3:ListBucket", "*", "", "", ALLOW),
        row(ANY_SERVICE_LIST, "s3:GetObject", "*", "", "", IMPLICIT_DENY),
        row(EVERYTHING, "kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k", "", "", ALLOW),
        // resource wildcards: case-sensitive, * and ?, * spans '/'
        row(TWO_CHAR_BUCKETS, "s3:GetObject", "arn:aws:s3:::logs-01/x", "", "", ALLOW),
        row(TWO_CHAR_BUCKETS, "s3:GetObject", "arn:aws:s3:::logs-1/x", "", "", IMPLICIT_DENY),
        row(TWO_CHAR_BUCKETS, "s3:GetObject", "arn:aws:s3:::logs-001/x", "", "", IMPLICIT_DENY),
        row(DEEP, "s3:GetObject", "arn:aws:s3:::bucket/a/b/report.csv", "", "", ALLOW),
        row(DEEP, "s3:GetObject", "arn:aws:s3:::bucket/report.csv", "", "", IMPLICIT_DENY),
        // NotAction and NotResource
        row(NOT_IAM, "s3:GetObject", "*", "", "", ALLOW),
        row(NOT_IAM, "iam:CreateUser", "*", "", "", IMPLICIT_DENY),
        row(NOT_IAM, "IAM:createuser", "*", "", "", IMPLICIT_DENY),
        row(DENY_ALL_BUT_READ, "s3:GetObject", "arn:aws:s3:::b/k", "", "", ALLOW),
        row(DENY_ALL_BUT_READ, "s3:PutObject", "arn:aws:s3:::b/k", "", "", EXPLICIT_DENY),
        row(NOT_PRIVATE, "s3:GetObject", "arn:aws:s3:::public/a", "", "", ALLOW),
        row(NOT_PRIVATE, "s3:GetObject", "arn:aws:s3:::private/a", "", "", IMPLICIT_DENY),
        row(DENY_OUTSIDE_OK, "s3:GetObject", "arn:aws:s3:::ok/a", "", "", ALLOW),
        row(DENY_OUTSIDE_OK, "s3:GetObject", "arn:aws:s3:::other/a", "", "", EXPLICIT_DENY),
        // Principal and NotPrincipal (trust policies)
        row(TRUST_USER, "sts:AssumeRole", ROLE, USER, "", ALLOW),
        row(TRUST_USER, "sts:AssumeRole", ROLE, OTHER, "", IMPLICIT_DENY),
        row(TRUST_USER, "sts:AssumeRole", ROLE, "", "", IMPLICIT_DENY),
        row(TRUST_ACCOUNT, "sts:AssumeRole", ROLE, OTHER, "", ALLOW),
        row(TRUST_ACCOUNT, "sts:AssumeRole", ROLE, FOREIGN, "", IMPLICIT_DENY),
        row(TRUST_ANYONE, "sts:AssumeRole", ROLE, FOREIGN, "", ALLOW),
        row(DENY_NOT_USER, "sts:AssumeRole", ROLE, USER, "", ALLOW),
        row(DENY_NOT_USER, "sts:AssumeRole", ROLE, OTHER, "", EXPLICIT_DENY),
        // String operators
        row(cond("StringEquals", "\"aws:PrincipalTag/team\":\"blue\""), "aws:PrincipalTag/team=blue", ALLOW),
        row(cond("StringEquals", "\"aws:PrincipalTag/team\":\"blue\""), "aws:PrincipalTag/team=Blue", IMPLICIT_DENY),
        row(cond("StringEquals", "\"aws:PrincipalTag/team\":\"blue\""), "aws:principaltag/TEAM=blue", ALLOW),
        row(cond("StringEquals", "\"aws:PrincipalTag/team\":\"blue\""), "", IMPLICIT_DENY),
        row(cond("StringEquals", "\"k\":[\"blue\",\"red\"]"), "k=red", ALLOW),
        row(cond("StringNotEquals", "\"k\":\"blue\""), "k=red", ALLOW),
        row(cond("StringNotEquals", "\"k\":\"blue\""), "k=blue", IMPLICIT_DENY),
        row(cond("StringNotEquals", "\"k\":\"blue\""), "", ALLOW),
        row(cond("StringEqualsIgnoreCase", "\"k\":\"blue\""), "k=BLUE", ALLOW),
        row(cond("StringNotEqualsIgnoreCase", "\"k\":\"blue\""), "k=BLUE", IMPLICIT_DENY),
        row(cond("StringNotEqualsIgnoreCase", "\"k\":\"blue\""), "k=red", ALLOW),
        row(cond("StringLike", "\"s3:prefix\":\"home/*/docs\""), "s3:prefix=home/ann/docs", ALLOW),
        row(cond("StringLike", "\"s3:prefix\":\"home/*/docs\""), "s3:prefix=home/ann/pics", IMPLICIT_DENY),
        row(cond("StringLike", "\"k\":\"ho?e\""), "k=hoxe", ALLOW),
        row(cond("StringNotLike", "\"k\":\"prod-*\""), "k=dev-1", ALLOW),
        row(cond("StringNotLike", "\"k\":\"prod-*\""), "k=prod-1", IMPLICIT_DENY),
        // Bool (string or JSON boolean in the policy)
        row(cond("Bool", "\"aws:SecureTransport\":\"true\""), "aws:SecureTransport=true", ALLOW),
        row(cond("Bool", "\"aws:SecureTransport\":\"true\""), "aws:SecureTransport=false", IMPLICIT_DENY),
        row(cond("Bool", "\"aws:SecureTransport\":\"true\""), "", IMPLICIT_DENY),
        row(cond("Bool", "\"aws:SecureTransport\":true"), "aws:SecureTransport=true", ALLOW),
        // Numeric
        row(cond("NumericLessThan", "\"s3:max-keys\":\"10\""), "s3:max-keys=5", ALLOW),
        row(cond("NumericLessThan", "\"s3:max-keys\":\"10\""), "s3:max-keys=10", IMPLICIT_DENY),
        row(cond("NumericLessThan", "\"s3:max-keys\":\"10\""), "s3:max-keys=ten", IMPLICIT_DENY),
        row(cond("NumericLessThanEquals", "\"s3:max-keys\":10"), "s3:max-keys=10", ALLOW),
        row(cond("NumericGreaterThan", "\"k\":\"10\""), "k=11", ALLOW),
        row(cond("NumericGreaterThanEquals", "\"k\":\"10\""), "k=10", ALLOW),
        row(cond("NumericEquals", "\"k\":\"10\""), "k=10.0", ALLOW),
        row(cond("NumericNotEquals", "\"k\":\"10\""), "k=11", ALLOW),
        row(cond("NumericNotEquals", "\"k\":\"10\""), "k=10", IMPLICIT_DENY),
        // Date: ISO-8601 and epoch seconds
        row(cond("DateLessThan", "\"aws:CurrentTime\":\"2030-01-01T00:00:00Z\""), "aws:CurrentTime=2029-12-31T23:59:59Z", ALLOW),
        row(cond("DateLessThan", "\"aws:CurrentTime\":\"2030-01-01T00:00:00Z\""), "aws:CurrentTime=2030-01-01T00:00:01Z", IMPLICIT_DENY),
        row(cond("DateLessThan", "\"aws:CurrentTime\":\"2030-01-01T00:00:00Z\""), "aws:CurrentTime=1700000000", ALLOW),
        row(cond("DateGreaterThan", "\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\""), "aws:CurrentTime=1577836801", ALLOW),
        row(cond("DateEquals", "\"aws:TokenIssueTime\":\"2020-01-01T00:00:00Z\""), "aws:TokenIssueTime=2020-01-01T09:00:00+09:00", ALLOW),
        row(cond("DateNotEquals", "\"aws:TokenIssueTime\":\"2020-01-01T00:00:00Z\""), "aws:TokenIssueTime=2020-01-01T00:00:00Z", IMPLICIT_DENY),
        row(cond("DateLessThanEquals", "\"aws:CurrentTime\":\"1577836800\""), "aws:CurrentTime=2020-01-01T00:00:00Z", ALLOW),
        row(cond("DateGreaterThanEquals", "\"aws:CurrentTime\":\"2020-01-01\""), "aws:CurrentTime=2020-01-01T00:00:00Z", ALLOW),
        // ARN
        row(cond("ArnEquals", "\"aws:SourceArn\":\"arn:aws:sns:us-east-1:123456789012:topic\""), "aws:SourceArn=arn:aws:sns:us-east-1:123456789012:topic", ALLOW),
        row(cond("ArnEquals", "\"aws:SourceArn\":\"arn:aws:sns:us-east-1:123456789012:topic\""), "aws:SourceArn=arn:aws:sns:us-east-1:123456789012:other", IMPLICIT_DENY),
        row(cond("ArnLike", "\"aws:PrincipalArn\":\"arn:aws:iam::*:role/deploy\""), "aws:PrincipalArn=" + ROLE, ALLOW),
        row(cond("ArnLike", "\"aws:SourceArn\":\"arn:aws:*:us-east-1:*:*\""), "aws:SourceArn=arn:aws:sns:us-west-2:123456789012:t", IMPLICIT_DENY),
        row(cond("ArnNotLike", "\"aws:PrincipalArn\":\"arn:aws:iam::*:role/admin*\""), "aws:PrincipalArn=" + ROLE, ALLOW),
        row(cond("ArnNotLike", "\"aws:PrincipalArn\":\"arn:aws:iam::*:role/admin*\""), "aws:PrincipalArn=arn:aws:iam::123456789012:role/admin1", IMPLICIT_DENY),
        row(cond("ArnNotEquals", "\"aws:PrincipalArn\":\"" + ROLE + "\""), "aws:PrincipalArn=" + OTHER, ALLOW),
        // IP addresses, v4 and v6
        row(cond("IpAddress", "\"aws:SourceIp\":\"203.0.113.0/24\""), "aws:SourceIp=203.0.113.5", ALLOW),
        row(cond("IpAddress", "\"aws:SourceIp\":\"203.0.113.0/24\""), "aws:SourceIp=198.51.100.1", IMPLICIT_DENY),
        row(cond("IpAddress", "\"aws:SourceIp\":[\"198.51.100.0/24\",\"2001:DB8:1234:5678::/64\"]"), "aws:SourceIp=2001:db8:1234:5678::1", ALLOW),
        row(cond("IpAddress", "\"aws:SourceIp\":\"2001:DB8:1234:5678::/64\""), "aws:SourceIp=2001:db8:1234:5679::1", IMPLICIT_DENY),
        row(cond("NotIpAddress", "\"aws:SourceIp\":\"203.0.113.0/24\""), "aws:SourceIp=198.51.100.1", ALLOW),
        row(cond("NotIpAddress", "\"aws:SourceIp\":\"203.0.113.0/24\""), "aws:SourceIp=203.0.113.9", IMPLICIT_DENY),
        // Null
        row(cond("Null", "\"aws:TokenIssueTime\":\"true\""), "", ALLOW),
        row(cond("Null", "\"aws:TokenIssueTime\":\"true\""), "aws:TokenIssueTime=2020-01-01T00:00:00Z", IMPLICIT_DENY),
        row(cond("Null", "\"aws:TokenIssueTime\":false"), "aws:TokenIssueTime=2020-01-01T00:00:00Z", ALLOW),
        // IfExists
        row(cond("StringEqualsIfExists", "\"ec2:InstanceType\":\"t3.micro\""), "", ALLOW),
        row(cond("StringEqualsIfExists", "\"ec2:InstanceType\":\"t3.micro\""), "ec2:InstanceType=t3.micro", ALLOW),
        row(cond("StringEqualsIfExists", "\"ec2:InstanceType\":\"t3.micro\""), "ec2:InstanceType=m5.large", IMPLICIT_DENY),
        // set operators
        row(cond("ForAllValues:StringEquals", "\"aws:TagKeys\":[\"env\",\"team\"]"), "aws:TagKeys=env", ALLOW),
        row(cond("ForAllValues:StringEquals", "\"aws:TagKeys\":[\"env\",\"team\"]"), "aws:TagKeys=env,owner", IMPLICIT_DENY),
        row(cond("ForAllValues:StringEquals", "\"aws:TagKeys\":[\"env\",\"team\"]"), "aws:TagKeys=", ALLOW),
        row(cond("ForAllValues:StringEquals", "\"aws:TagKeys\":[\"env\",\"team\"]"), "", ALLOW),
        row(cond("ForAnyValue:StringEquals", "\"aws:TagKeys\":\"env\""), "aws:TagKeys=owner,env", ALLOW),
        row(cond("ForAnyValue:StringEquals", "\"aws:TagKeys\":\"env\""), "aws:TagKeys=owner", IMPLICIT_DENY),
        row(cond("ForAnyValue:StringEquals", "\"aws:TagKeys\":\"env\""), "", IMPLICIT_DENY),
        row(cond("ForAnyValue:StringLike", "\"aws:TagKeys\":\"cost-*\""), "aws:TagKeys=owner,cost-center", ALLOW),
        // several keys and operators must all hold
        row(cond("StringEquals", "\"k\":\"a\"},\"Bool\":{\"b\":\"true\""), "k=a;b=true", ALLOW),
        row(cond("StringEquals", "\"k\":\"a\"},\"Bool\":{\"b\":\"true\""), "k=a;b=false", IMPLICIT_DENY),
        // what the evaluator does not know is UNKNOWN, never ALLOW
        row(cond("BinaryEquals", "\"k\":\"QmluYXJ5\""), "k=QmluYXJ5", UNKNOWN),
        row(cond("StringFancyMatch", "\"k\":\"a\""), "k=a", UNKNOWN),
        // a policy variable without a value equals nothing ("Policy variables with no value"); with one, it is substituted
        row(cond("StringEquals", "\"k\":\"${aws:username}\""), "k=hermes", IMPLICIT_DENY),
        row(cond("StringEquals", "\"k\":\"${aws:username}\""), "k=hermes;aws:username=hermes", ALLOW),
        row(cond("StringEquals", "\"k\":\"a\"},\"BinaryEquals\":{\"b\":\"QQ==\""), "k=b", IMPLICIT_DENY),
        row(doc("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}",
            "{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"BinaryEquals\":{\"k\":\"QQ==\"}}}"),
            "s3:GetObject", "*", "", "", UNKNOWN),
        row(doc("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}",
            "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"BinaryEquals\":{\"k\":\"QQ==\"}}}"),
            "s3:GetObject", "*", "", "", EXPLICIT_DENY),
        row(doc("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}",
            "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"BinaryEquals\":{\"k\":\"QQ==\"}}}"),
            "s3:GetObject", "*", "", "", ALLOW),
        row(doc("{\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\",\"Condition\":{\"BinaryEquals\":{\"k\":\"QQ==\"}}}",
            "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
            "s3:GetObject", "*", "", "", ALLOW));
  }

  @ParameterizedTest(name = "[{index}] {1} on {2} by {3} with {4} -> {5}")
  @MethodSource("cases")
  void evaluatesAsIamDocuments(String policy, String action, String resource, String principal, String context,
      EvaluationResult expected) {
    EvaluationRequest request = new EvaluationRequest(action, resource, principal.isEmpty() ? null : principal,
        context(context));

    assertThat(PolicyEvaluator.of(PolicyDocument.parse(policy)).evaluate(request)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void tableHasAtLeastSixtyCases() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(60);
  }

  private static Arguments row(String policy, String action, String resource, String principal, String context,
      EvaluationResult expected) {
    return Arguments.of(policy, action, resource, principal, context, expected);
  }

  private static Arguments row(String policy, String context, EvaluationResult expected) {
    return row(policy, "s3:GetObject", "arn:aws:s3:::bucket/key", "", context, expected);
  }

  private static String allow(String action, String resource) {
    return doc("{\"Effect\":\"Allow\",\"Action\":\"" + action + "\",\"Resource\":\"" + resource + "\"}");
  }

  private static String cond(String operator, String body) {
    return doc("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\""
        + operator + "\":{" + body + "}}}");
  }

  private static String doc(String... statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
  }

  private static Map<String, List<String>> context(String spec) {
    Map<String, List<String>> context = new LinkedHashMap<>();
    if (spec.isEmpty()) {
      return context;
    }
    for (String entry : spec.split(";")) {
      int eq = entry.indexOf('=');
      String values = entry.substring(eq + 1);
      context.put(entry.substring(0, eq), values.isEmpty() ? List.of() : Arrays.asList(values.split(",")));
    }
    return context;
  }
}
