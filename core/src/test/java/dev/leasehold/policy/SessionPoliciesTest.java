package dev.leasehold.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SessionPoliciesTest {
  private static final RoleCatalog CATALOG = RoleCatalog.load(fixture("reference-catalog.yaml"));
  private static final RoleSpec S3 = CATALOG.role("s3-deploy").orElseThrow();
  private static final String OBJECT = "arn:aws:s3:::hermes-dev-deploy/site/index.html";

  static Path fixture(String name) {
    return dev.leasehold.TestResources.path("fixtures/" + name);
  }

  @Test
  void putObjectIntentOnTheRolesOwnResources() {
    SessionPolicy policy = SessionPolicies.forIntent(S3, List.of("s3:PutObject"), List.of());
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.parse(policy.json()));

    assertThat(policy.json()).isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":\"s3:PutObject\",\"Resource\":[\"arn:aws:s3:::hermes-dev-deploy\","
        + "\"arn:aws:s3:::hermes-dev-deploy/*\"]}]}");
    assertThat(evaluator.evaluate("s3:PutObject", OBJECT)).isEqualTo(EvaluationResult.ALLOW);
    assertThat(evaluator.evaluate("s3:DeleteObject", OBJECT)).isEqualTo(EvaluationResult.IMPLICIT_DENY);
    assertThat(evaluator.evaluate("s3:GetObject", OBJECT)).isEqualTo(EvaluationResult.IMPLICIT_DENY);
  }

  @Test
  void intentResourcesNarrowFurther() {
    SessionPolicy policy = SessionPolicies.forIntent(S3, List.of("s3:PutObject", "s3:GetObject"),
        List.of("arn:aws:s3:::hermes-dev-deploy/site/*"));
    PolicyEvaluator evaluator = PolicyEvaluator.of(policy.document());

    assertThat(evaluator.evaluate("s3:GetObject", OBJECT)).isEqualTo(EvaluationResult.ALLOW);
    assertThat(evaluator.evaluate("s3:PutObject", "arn:aws:s3:::hermes-dev-deploy/other")).isEqualTo(EvaluationResult.IMPLICIT_DENY);
  }

  @Test
  void actionsWithDifferentResourcesGetTheirOwnStatements() {
    RoleSpec mixed = RoleSpec.builder("mixed", "arn:aws:iam::123456789012:role/mixed")
        .permission(Statement.allow("s3:GetObject").resources("arn:aws:s3:::a/*").build())
        .permission(Statement.allow("ec2:Describe*").resources("*").build()).build();

    SessionPolicy policy = SessionPolicies.forIntent(mixed, List.of("s3:GetObject", "ec2:DescribeInstances"), List.of());

    assertThat(policy.document().statements()).extracting(Statement::actions, Statement::resources).containsExactly(
        org.assertj.core.groups.Tuple.tuple(List.of("s3:GetObject"), List.of("arn:aws:s3:::a/*")),
        org.assertj.core.groups.Tuple.tuple(List.of("ec2:DescribeInstances"), List.of("*")));
  }

  @Test
  void wildcardIntentActionsAreRefused() {
    assertThatThrownBy(() -> SessionPolicies.forIntent(S3, List.of("s3:Put*"), List.of()))
        .isInstanceOf(InvalidIntentException.class)
        .hasMessage("Intent action 's3:Put*' must be one literal IAM action such as s3:PutObject, without "
            + "wildcards; list each action the task needs.");
    assertThatThrownBy(() -> SessionPolicies.forIntent(S3, List.of("*"), List.of()))
        .isInstanceOf(InvalidIntentException.class);
  }

  @Test
  void anActionTheRoleNamesNowhereIsRefused() {
    assertThatThrownBy(() -> SessionPolicies.forIntent(S3, List.of("s3:DeleteObject"), List.of()))
        .isInstanceOf(InvalidIntentException.class)
        .hasMessageContaining("Role 's3-deploy' allows 's3:DeleteObject' on no resource");
  }

  @Test
  void tooLargeIntentIsATypedError() {
    List<String> resources = IntStream.range(0, 60)
        .mapToObj(i -> "arn:aws:s3:::hermes-dev-deploy/releases/2026/build-" + i + "/*").toList();

    assertThatThrownBy(() -> SessionPolicies.forIntent(S3, List.of("s3:PutObject"), resources))
        .isInstanceOfSatisfying(PolicyTooLargeException.class, e -> {
          assertThat(e.kind()).isEqualTo(PolicyKind.SESSION);
          assertThat(e.size()).isGreaterThan(2048);
        })
        .hasMessageContaining("The session policy for role s3-deploy is ")
        .hasMessageContaining("AWS allows at most 2048")
        .hasMessageEndingWith("narrow the intent (fewer actions or resources) or split the task into several leases.");
  }

  @Test
  void rolesAllowingNamesEveryFittingRole() {
    assertThat(CATALOG.rolesAllowing(List.of("s3:PutObject"), List.of())).containsExactly("s3-deploy");
    assertThat(CATALOG.rolesAllowing(List.of("s3:PutObject"), List.of(OBJECT))).containsExactly("s3-deploy");
    assertThat(CATALOG.rolesAllowing(List.of("s3:PutObject"), List.of("arn:aws:s3:::other/x"))).isEmpty();
    assertThat(CATALOG.rolesAllowing(List.of("ec2:DescribeInstances", "s3:GetObject"), List.of())).isEmpty();
    assertThat(CATALOG.rolesAllowing(List.of("logs:GetLogEvents"), List.of())).containsExactly("cloudwatch-read");
    assertThat(CATALOG.rolesAllowing(List.of("s3:DeleteObject"), List.of())).isEmpty();
  }

  @Test
  void aDenyOnEveryNamedResourceMeansNoResource() {
    RoleSpec denied = RoleSpec.builder("denied", "arn:aws:iam::123456789012:role/denied")
        .permission(Statement.allow("s3:GetObject").resources("arn:aws:s3:::a/*").build())
        .permission(Statement.deny("s3:*").resources("*").build()).build();

    assertThat(denied.allowsIntent(List.of("s3:GetObject"), List.of())).isFalse();
    assertThat(denied.allows("s3:GetObject", "arn:aws:s3:::a/x")).isEqualTo(EvaluationResult.EXPLICIT_DENY);
  }

  @Test
  void theCompiledEvaluatorIsReusedPerRole() {
    assertThat(S3.evaluator()).isSameAs(S3.evaluator());
  }
}
