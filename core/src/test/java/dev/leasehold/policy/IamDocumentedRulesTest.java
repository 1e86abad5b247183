package dev.leasehold.policy;

import static dev.leasehold.policy.EvaluationResult.ALLOW;
import static dev.leasehold.policy.EvaluationResult.EXPLICIT_DENY;
import static dev.leasehold.policy.EvaluationResult.IMPLICIT_DENY;
import static dev.leasehold.policy.EvaluationResult.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cases taken from AWS's IAM User Guide for the three places where the evaluator used to disagree with IAM:
 * policy variables, set operators on missing keys, and ARN wildcards. Each row names the page and states the
 * documented rule it checks; both effects and the {@code NotResource} / {@code NotAction} forms are covered.
 *
 * <p>Pages: VARS = "IAM policy elements: Variables and tags"; MULTI = "Single-valued vs. multivalued context
 * keys"; OPS = "IAM JSON policy elements: Condition operators"; RES = "IAM JSON policy elements: Resource";
 * VERSION = "IAM JSON policy elements: Version".
 */
class IamDocumentedRulesTest {

  private static final String BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket";
  private static final String HOME = BUCKET + "/home/${aws:username}/*";
  private static final String ALLOW_S3 = "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}";
  private static final String ALLOW_ALL = "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}";
  private static final String INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc";

  static Stream<Arguments> cases() {
    return Stream.of(
        // ---- 1. Policy variables --------------------------------------------------------------------------
        row("VARS, Introduction: the variable is replaced with the value from the request context",
            doc(stmt("Allow", "s3:GetObject", "Resource", HOME)),
            req("s3:GetObject", BUCKET + "/home/hermes/a").username("hermes"), ALLOW),
        row("VARS, Introduction: the substituted value must match, another user's home does not",
            doc(stmt("Allow", "s3:GetObject", "Resource", HOME)),
            req("s3:GetObject", BUCKET + "/home/mallory/a").username("hermes"), IMPLICIT_DENY),
        row("VARS, Introduction: a variable is a placeholder, never literal text (the fail-open case, allow side)",
            doc(stmt("Allow", "s3:GetObject", "Resource", HOME)),
            req("s3:GetObject", BUCKET + "/home/${aws:username}/a"), IMPLICIT_DENY),
        row("VARS, Introduction: a Deny on a variable pattern next to Allow s3:* on * is an explicit deny",
            doc(ALLOW_S3, stmt("Deny", "s3:*", "Resource", HOME)),
            req("s3:PutObject", BUCKET + "/home/hermes/report.csv").username("hermes"), EXPLICIT_DENY),
        row("VARS, Introduction: the Deny covers only the substituted user's home",
            doc(ALLOW_S3, stmt("Deny", "s3:*", "Resource", HOME)),
            req("s3:PutObject", BUCKET + "/home/mallory/report.csv").username("hermes"), ALLOW),
        row("VARS, Policy variables with no value: a Resource pattern with a variable that has no value matches no resource",
            doc(ALLOW_S3, stmt("Deny", "s3:*", "Resource", HOME)),
            req("s3:PutObject", BUCKET + "/home/hermes/report.csv"), ALLOW),
        row("VARS, Principal key values: aws:username is not present for a role; matching it fails and voids the statement",
            doc(stmt("Allow", "s3:GetObject", "Resource", HOME)),
            req("s3:GetObject", BUCKET + "/home/hermes/a").userId("AROAEXAMPLEID:hermes"), IMPLICIT_DENY),
        row("VARS, Principal key values: an unresolved variable voids an Allow even when its other patterns match",
            doc(stmt("Allow", "s3:GetObject", "Resource", BUCKET + "/public/*", HOME)),
            req("s3:GetObject", BUCKET + "/public/a"), IMPLICIT_DENY),
        row("VARS, Principal key values: aws:userid of a role session is role-id:session-name",
            doc(stmt("Allow", "s3:GetObject", "Resource", BUCKET + "/${aws:userid}/*")),
            req("s3:GetObject", BUCKET + "/AROAEXAMPLEID:hermes/a").userId("AROAEXAMPLEID:hermes"), ALLOW),
        row("VARS, Resource element: a principal tag as a variable names the department's bucket",
            doc(stmt("Allow", "s3:*", "Resource", "arn:aws:s3:::bucket/${aws:PrincipalTag/department}")),
            req("s3:ListBucket", "arn:aws:s3:::bucket/hr").principalTag("department", "hr"), ALLOW),
        row("VARS, Resource element: another department's bucket does not match",
            doc(stmt("Allow", "s3:*", "Resource", "arn:aws:s3:::bucket/${aws:PrincipalTag/department}")),
            req("s3:ListBucket", "arn:aws:s3:::bucket/it").principalTag("department", "hr"), IMPLICIT_DENY),
        row("VARS, Resource element: aws:SourceIdentity can be a variable like any single-valued key",
            doc(ALLOW_S3, stmt("Deny", "s3:DeleteObject", "Resource", BUCKET + "/${aws:SourceIdentity}/*")),
            req("s3:DeleteObject", BUCKET + "/hermes/a").sourceIdentity("hermes"), EXPLICIT_DENY),
        row("VARS, Resource element: variables only in the resource part, after the fifth colon (else UNKNOWN)",
            doc(stmt("Allow", "sqs:*", "Resource", "arn:aws:sqs:${aws:PrincipalTag/region}:123456789012:q")),
            req("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q").principalTag("region", "us-east-1"), UNKNOWN),
        row("VARS, NotResource: with the variable resolved, NotResource excludes the user's home",
            doc(stmt("Allow", "s3:*", "NotResource", HOME)),
            req("s3:GetObject", BUCKET + "/home/hermes/a").username("hermes"), IMPLICIT_DENY),
        row("VARS, NotResource: and allows what lies outside it",
            doc(stmt("Allow", "s3:*", "NotResource", HOME)),
            req("s3:GetObject", BUCKET + "/public/a").username("hermes"), ALLOW),
        row("VARS, Principal key values: NotResource with aws:username not present voids the Allow (never a literal match)",
            doc(stmt("Allow", "s3:*", "NotResource", HOME)),
            req("s3:GetObject", BUCKET + "/home/hermes/a"), IMPLICIT_DENY),
        row("VARS, Policy variables with no value: a Deny's NotResource pattern without value excludes nothing",
            doc(ALLOW_S3, stmt("Deny", "s3:*", "NotResource", HOME)),
            req("s3:GetObject", BUCKET + "/home/hermes/a"), EXPLICIT_DENY),
        row("VARS, NotResource: a Deny outside the user's home, resolved",
            doc(ALLOW_S3, stmt("Deny", "s3:*", "NotResource", HOME)),
            req("s3:GetObject", BUCKET + "/home/mallory/a").username("hermes"), EXPLICIT_DENY),
        row("VARS, NotResource: inside the user's home the Deny does not apply",
            doc(ALLOW_S3, stmt("Deny", "s3:*", "NotResource", HOME)),
            req("s3:GetObject", BUCKET + "/home/hermes/a").username("hermes"), ALLOW),
        row("VARS, Resource element with NotAction: Allow everything but IAM on the user's home",
            doc("{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"" + HOME + "\"}"),
            req("s3:GetObject", BUCKET + "/home/hermes/a").username("hermes"), ALLOW),
        row("VARS, Resource element with NotAction: the same statement without the variable's value does not apply",
            doc("{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"" + HOME + "\"}"),
            req("s3:GetObject", BUCKET + "/home/hermes/a"), IMPLICIT_DENY),
        row("VARS, Resource element with NotAction: Deny all but reads in the user's home",
            doc(ALLOW_S3, "{\"Effect\":\"Deny\",\"NotAction\":\"s3:GetObject\",\"Resource\":\"" + HOME + "\"}"),
            req("s3:PutObject", BUCKET + "/home/hermes/a").username("hermes"), EXPLICIT_DENY),
        row("VARS, Condition element: a variable in a StringLike value is substituted",
            doc(cond("Allow", "StringLike", "\"s3:prefix\":\"${aws:username}/*\"")),
            req("s3:ListBucket", BUCKET).username("hermes").context("s3:prefix", "hermes/docs"), ALLOW),
        row("VARS, Condition element: and compared like any other value",
            doc(cond("Allow", "StringLike", "\"s3:prefix\":\"${aws:username}/*\"")),
            req("s3:ListBucket", BUCKET).username("hermes").context("s3:prefix", "mallory/docs"), IMPLICIT_DENY),
        row("VARS, Policy variables with no value: StringEquals / StringLike do not match, the statement does not take effect",
            doc(cond("Allow", "StringLike", "\"s3:prefix\":\"${aws:username}/*\"")),
            req("s3:ListBucket", BUCKET).context("s3:prefix", "${aws:username}/docs"), IMPLICIT_DENY),
        row("VARS, Policy variables with no value: inverted operators match a null value, so access is explicitly denied",
            doc(ALLOW_S3, cond("Deny", "StringNotEquals", "\"s3:ExistingObjectTag/Team\":\"${aws:PrincipalTag/Team}\"")),
            req("s3:GetObject", BUCKET + "/a").context("s3:ExistingObjectTag/Team", "blue"), EXPLICIT_DENY),
        row("VARS, Policy variables with no value: the same Deny lets the team's own objects through",
            doc(ALLOW_S3, cond("Deny", "StringNotEquals", "\"s3:ExistingObjectTag/Team\":\"${aws:PrincipalTag/Team}\"")),
            req("s3:GetObject", BUCKET + "/a").principalTag("Team", "blue").context("s3:ExistingObjectTag/Team", "blue"), ALLOW),
        row("VARS, Policy variables with no value: and denies other teams' objects",
            doc(ALLOW_S3, cond("Deny", "StringNotEquals", "\"s3:ExistingObjectTag/Team\":\"${aws:PrincipalTag/Team}\"")),
            req("s3:GetObject", BUCKET + "/a").principalTag("Team", "blue").context("s3:ExistingObjectTag/Team", "red"), EXPLICIT_DENY),
        row("VARS, Condition element: ARN operators take variables too",
            doc(cond("Allow", "ArnLike", "\"aws:SourceArn\":\"arn:aws:sns:us-east-1:123456789012:${aws:username}-*\"")),
            req("s3:PutObject", BUCKET + "/a").username("hermes").context("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:hermes-t"), ALLOW),
        row("VARS, Condition element: no variables in Numeric/Date/Bool/IP/Null operators (left UNKNOWN)",
            doc(cond("Allow", "NumericLessThan", "\"s3:max-keys\":\"${aws:PrincipalTag/limit}\"")),
            req("s3:ListBucket", BUCKET).principalTag("limit", "10").context("s3:max-keys", "5"), UNKNOWN),
        row("VARS, Special characters: ${*} is a literal asterisk",
            doc(stmt("Allow", "s3:GetObject", "Resource", BUCKET + "/${*}")),
            req("s3:GetObject", BUCKET + "/*"), ALLOW),
        row("VARS, Special characters: ${*} is not a wildcard",
            doc(stmt("Allow", "s3:GetObject", "Resource", BUCKET + "/${*}")),
            req("s3:GetObject", BUCKET + "/anything"), IMPLICIT_DENY),
        row("VARS, Special characters: ${?} is a literal question mark, also in a Deny",
            doc(ALLOW_S3, stmt("Deny", "s3:GetObject", "Resource", BUCKET + "/why${?}")),
            req("s3:GetObject", BUCKET + "/whys"), ALLOW),
        row("VARS, Special characters: ${$} is a literal dollar sign",
            doc(cond("Allow", "StringEquals", "\"s3:prefix\":\"${$}HOME\"")),
            req("s3:ListBucket", BUCKET).context("s3:prefix", "$HOME"), ALLOW),
        row("VARS, Specifying default values: the principal's team bucket when the tag is set",
            doc(stmt("Allow", "s3:*", "Resource", BUCKET + "-${aws:PrincipalTag/team, 'company-wide'}")),
            req("s3:ListBucket", BUCKET + "-yellow").principalTag("team", "yellow"), ALLOW),
        row("VARS, Specifying default values: the default when the tag is not set",
            doc(stmt("Allow", "s3:*", "Resource", BUCKET + "-${aws:PrincipalTag/team, 'company-wide'}")),
            req("s3:ListBucket", BUCKET + "-company-wide"), ALLOW),
        row("VARS, Specifying default values: without the tag, a team bucket is not reachable",
            doc(stmt("Allow", "s3:*", "Resource", BUCKET + "-${aws:PrincipalTag/team, 'company-wide'}")),
            req("s3:ListBucket", BUCKET + "-yellow"), IMPLICIT_DENY),
        row("MULTI, Key points: a multivalued context key cannot be a policy variable",
            doc(stmt("Allow", "s3:*", "Resource", BUCKET + "/${aws:TagKeys}/*")),
            req("s3:GetObject", BUCKET + "/env/a").context("aws:TagKeys", "env", "team"), IMPLICIT_DENY),
        row("VERSION: without Version 2012-10-17, variables are literal strings",
            "{\"Statement\":[" + stmt("Allow", "s3:GetObject", "Resource", HOME) + "]}",
            req("s3:GetObject", BUCKET + "/home/hermes/a").username("hermes"), IMPLICIT_DENY),
        row("VERSION: ... and match only their own text",
            "{\"Statement\":[" + stmt("Allow", "s3:GetObject", "Resource", HOME) + "]}",
            req("s3:GetObject", BUCKET + "/home/${aws:username}/a").username("hermes"), ALLOW),

        // ---- 2. Set operators -------------------------------------------------------------------------------
        row("MULTI, ForAnyValue: for no matching context key or a null dataset, the condition returns false",
            doc(cond("Allow", "ForAnyValue:StringEquals", "\"aws:TagKeys\":\"env\"")),
            req("ec2:CreateTags", INSTANCE), IMPLICIT_DENY),
        row("MULTI, ForAnyValue: the set operator decides a missing key before IfExists (Allow)",
            doc(cond("Allow", "ForAnyValue:StringEqualsIfExists", "\"aws:TagKeys\":\"env\"")),
            req("ec2:CreateTags", INSTANCE), IMPLICIT_DENY),
        row("MULTI, ForAnyValue: the set operator decides a missing key before IfExists (Deny)",
            doc(ALLOW_ALL, cond("Deny", "ForAnyValue:StringEqualsIfExists", "\"aws:TagKeys\":\"env\"")),
            req("ec2:CreateTags", INSTANCE), ALLOW),
        row("MULTI, ForAnyValue: an empty string is a null dataset",
            doc(ALLOW_ALL, cond("Deny", "ForAnyValue:StringNotEquals", "\"aws:TagKeys\":\"env\"")),
            req("ec2:CreateTags", INSTANCE).context("aws:TagKeys", ""), ALLOW),
        row("MULTI, ForAnyValue: true when any request value matches any policy value",
            doc(ALLOW_ALL, cond("Deny", "ForAnyValue:StringEquals", "\"aws:TagKeys\":\"env\"")),
            req("ec2:CreateTags", INSTANCE).context("aws:TagKeys", "owner", "env"), EXPLICIT_DENY),
        row("MULTI, ForAnyValue with a negated operator: true when some request value matches none",
            doc(cond("Allow", "ForAnyValue:StringNotEquals", "\"aws:TagKeys\":\"env\"")),
            req("ec2:CreateTags", INSTANCE).context("aws:TagKeys", "env", "owner"), ALLOW),
        row("MULTI, ForAllValues: also true if there are no context keys in the request",
            doc(cond("Allow", "ForAllValues:StringEquals", "\"aws:TagKeys\":[\"env\",\"team\"]")),
            req("ec2:CreateTags", INSTANCE), ALLOW),
        row("MULTI, ForAllValues: ... or if the value resolves to a null dataset such as an empty string",
            doc(cond("Allow", "ForAllValues:StringEquals", "\"aws:TagKeys\":[\"env\",\"team\"]")),
            req("ec2:CreateTags", INSTANCE).context("aws:TagKeys", ""), ALLOW),
        row("MULTI, ForAllValues: true with IfExists on a missing key as well",
            doc(ALLOW_ALL, cond("Deny", "ForAllValues:StringNotLikeIfExists", "\"aws:TagKeys\":\"aws:*\"")),
            req("ec2:CreateTags", INSTANCE), EXPLICIT_DENY),
        row("MULTI, ForAllValues: false when one request value matches no policy value",
            doc(cond("Allow", "ForAllValues:StringEquals", "\"aws:TagKeys\":[\"env\",\"team\"]")),
            req("ec2:CreateTags", INSTANCE).context("aws:TagKeys", "env", "owner"), IMPLICIT_DENY),
        row("MULTI, ForAllValues with a negated operator: every request value must match none (Deny side)",
            doc(ALLOW_ALL, cond("Deny", "ForAllValues:StringNotEquals", "\"aws:TagKeys\":\"env\"")),
            req("ec2:CreateTags", INSTANCE).context("aws:TagKeys", "env", "owner"), ALLOW),
        row("OPS, IfExists: without a set operator a missing key makes the condition true",
            doc(cond("Allow", "StringEqualsIfExists", "\"ec2:InstanceType\":\"t3.micro\"")),
            req("ec2:RunInstances", INSTANCE), ALLOW),
        row("MULTI + NotAction: a Deny of all but reads with ForAnyValue IfExists on a missing key does not apply",
            doc(ALLOW_ALL, "{\"Effect\":\"Deny\",\"NotAction\":\"ec2:Describe*\",\"Resource\":\"*\",\"Condition\":"
                + "{\"ForAnyValue:StringLikeIfExists\":{\"aws:TagKeys\":\"secret*\"}}}"),
            req("ec2:RunInstances", INSTANCE), ALLOW),
        row("MULTI + NotResource: an Allow outside the instance with ForAnyValue IfExists on a missing key does not apply",
            doc("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"NotResource\":\"" + INSTANCE + "\",\"Condition\":"
                + "{\"ForAnyValue:StringEqualsIfExists\":{\"aws:TagKeys\":\"env\"}}}"),
            req("ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"), IMPLICIT_DENY),

        // ---- 3. ARN wildcards within segments --------------------------------------------------------------
        row("RES, Using wildcards in resource ARNs: wildcards work within the segments, a ? does not match the colon",
            doc(stmt("Allow", "ec2:*", "Resource", "arn:aws:ec2?us-east-1:123456789012:instance/*")),
            req("ec2:StartInstances", INSTANCE), IMPLICIT_DENY),
        row("RES, Using wildcards in resource ARNs: the same pattern in a Deny denies nothing",
            doc(ALLOW_ALL, stmt("Deny", "ec2:*", "Resource", "arn:aws:ec2?us-east-1:123456789012:instance/*")),
            req("ec2:StartInstances", INSTANCE), ALLOW),
        row("RES, Using wildcards in resource ARNs: a ? stands for one character within its segment",
            doc(ALLOW_ALL, stmt("Deny", "ec2:*", "Resource", "arn:aws:ec2:us-east-?:123456789012:instance/*")),
            req("ec2:StartInstances", INSTANCE), EXPLICIT_DENY),
        row("RES, Using wildcards in resource ARNs: a * expands over everything within a segment, slashes included",
            doc(stmt("Allow", "iam:*", "Resource", "arn:aws:iam::123456789012:user/*")),
            req("iam:GetUser", "arn:aws:iam::123456789012:user/division/team/hermes"), ALLOW),
        row("RES, Using wildcards in resource ARNs: a * that ends a segment expands across the colons after it",
            doc(stmt("Allow", "logs:*", "Resource", "arn:aws:logs:us-east-1:123456789012:log-group:app:*")),
            req("logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s1"), ALLOW),
        row("RES, Using wildcards in resource ARNs: a * inside a segment stays in it, while the six-part reading lets it"
                + " run on; readings that differ give UNKNOWN, not an allow",
            doc(stmt("Allow", "s3:GetObject", "Resource", BUCKET + "/*/public")),
            req("s3:GetObject", BUCKET + "/a:b/public"), UNKNOWN),
        row("RES, Using wildcards in resource ARNs: ... nor the absence of a deny",
            doc(ALLOW_S3, stmt("Deny", "s3:GetObject", "Resource", BUCKET + "/*/secret")),
            req("s3:GetObject", BUCKET + "/a:b/secret"), UNKNOWN),
        row("RES + NotResource: a Deny's NotResource pattern with ? at a colon excludes nothing",
            doc(ALLOW_S3, stmt("Deny", "s3:*", "NotResource", "arn:aws:s3?::ok/*")),
            req("s3:GetObject", "arn:aws:s3:::ok/a"), EXPLICIT_DENY),
        row("RES + NotResource: an Allow's NotResource pattern within the segments excludes what it names",
            doc(stmt("Allow", "ec2:*", "NotResource", "arn:aws:ec2:*:123456789012:instance/*")),
            req("ec2:TerminateInstances", INSTANCE), IMPLICIT_DENY),
        row("RES + NotAction: a Deny of all but reads on a pattern with ? at a colon denies nothing",
            doc(ALLOW_ALL, "{\"Effect\":\"Deny\",\"NotAction\":\"ec2:Describe*\",\"Resource\":"
                + "\"arn:aws:ec2?us-east-1:123456789012:instance/*\"}"),
            req("ec2:TerminateInstances", INSTANCE), ALLOW),
        row("RES: the resource part of an ARN is case-sensitive (\"the IAM user name is case sensitive\")",
            doc(stmt("Allow", "iam:*", "Resource", "arn:aws:iam::123456789012:user/Bob")),
            req("iam:GetUser", "arn:aws:iam::123456789012:user/bob"), IMPLICIT_DENY),
        row("RES: the case of the service is not documented: a Deny that differs only there is UNKNOWN, not skipped",
            doc(ALLOW_ALL, stmt("Deny", "s3:*", "Resource", "arn:aws:S3:::secret/*")),
            req("s3:GetObject", "arn:aws:s3:::secret/a"), UNKNOWN),
        row("OPS, ARN operators: each of the six colon-delimited components is checked separately",
            doc(cond("Allow", "ArnLike", "\"aws:SourceArn\":\"arn:aws:sns?us-east-1:*:topic\"")),
            req("s3:PutObject", BUCKET + "/a").context("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"),
            IMPLICIT_DENY),
        row("OPS, ARN operators: a wildcard inside one component",
            doc(ALLOW_S3, cond("Deny", "ArnLike", "\"aws:SourceArn\":\"arn:aws:sns:us-*-1:*:topic\"")),
            req("s3:PutObject", BUCKET + "/a").context("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"),
            EXPLICIT_DENY));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {3}")
  @MethodSource("cases")
  void evaluatesAsTheUserGuideSays(String rule, String policy, EvaluationRequest request, EvaluationResult expected) {
    assertThat(PolicyEvaluator.of(PolicyDocument.parse(policy)).evaluate(request)).as(rule).isEqualTo(expected);
  }

  @Test
  void theFailOpenExampleOfTheIssueIsAnExplicitDeny() {
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.parse(doc(ALLOW_S3,
        stmt("Deny", "s3:*", "Resource", "arn:aws:s3:::bucket/home/${aws:username}/*"))));

    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:DeleteObject", "arn:aws:s3:::bucket/home/hermes/a")
        .username("hermes").build())).isEqualTo(EXPLICIT_DENY);
    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:DeleteObject",
        "arn:aws:s3:::bucket/home/${aws:username}/a").username("hermes").build())).isEqualTo(ALLOW);
  }

  @Test
  void builtStatementsResolveVariablesLikeDocumentsOfTheCurrentVersion() {
    PolicyEvaluator evaluator = PolicyEvaluator.of(java.util.List.of(
        Statement.allow("s3:GetObject").resources("arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*").build()));

    assertThat(evaluator.evaluate(EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::bucket/blue/a")
        .principalTag("team", "blue").build())).isEqualTo(ALLOW);
    assertThat(evaluator.evaluate("s3:GetObject", "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/a"))
        .isEqualTo(IMPLICIT_DENY);
  }

  private static Arguments row(String rule, String policy, EvaluationRequest.Builder request, EvaluationResult expected) {
    return Arguments.of(rule, policy, request.build(), expected);
  }

  private static EvaluationRequest.Builder req(String action, String resource) {
    return EvaluationRequest.builder(action, resource);
  }

  private static String stmt(String effect, String action, String element, String... resources) {
    return "{\"Effect\":\"" + effect + "\",\"Action\":\"" + action + "\",\"" + element + "\":[\""
        + String.join("\",\"", resources) + "\"]}";
  }

  private static String cond(String effect, String operator, String body) {
    return "{\"Effect\":\"" + effect + "\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"" + operator + "\":{"
        + body + "}}}";
  }

  private static String doc(String... statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
  }
}
