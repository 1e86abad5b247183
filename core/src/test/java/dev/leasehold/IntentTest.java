package dev.leasehold;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.policy.PolicyTooLargeException;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Intents against the reference catalog: refused before a human is asked, or sent to STS as a session policy. */
class IntentTest {
  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private final FakeApprover approver = FakeApprover.approving("111222");
  private StsStub stub;
  private AwsSessionFactory leasehold;

  @BeforeEach
  void setUp() throws Exception {
    stub = new StsStub(sts).succeeds(900);
    RoleCatalog catalog = RoleCatalog.load(Path.of(getClass().getResource("/fixtures/reference-catalog.yaml").toURI()));
    leasehold = Leasehold.factory(stub.endpoint(), approver, audit).catalog(catalog).build();
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    leasehold.close();
  }

  @Test
  void anIntentNamingAnActionAwsDoesNotHaveIsRefusedWithTheClosestNamesBeforeAnyoneIsAsked() {
    assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", "publish release 1.4.2 artifacts to the bucket",
        "s3:GetObjcet")))
        .isInstanceOfSatisfying(UnknownActionException.class, e -> {
          assertThat(e.action()).isEqualTo("s3:GetObjcet");
          assertThat(e.suggestions()).containsExactly("s3:GetObject");
        })
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'s3:GetObjcet' is not an IAM action in AWS's service authorization data")
        .hasMessageContaining("did you mean s3:GetObject?");
    assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", "publish release 1.4.2 artifacts to the bucket",
        "s4:PutObject")))
        .isInstanceOf(UnknownActionException.class).hasMessageContaining("'s4' in 's4:PutObject' is not an IAM service prefix");
    assertThat(approver.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
    assertThat(audit.types()).containsExactly(AuditEventType.REFUSED, AuditEventType.REFUSED);
  }

  @Test
  void theApproverIsToldWhichIntentActionsWriteByAwsAccessLevels() {
    try (AgentSession session = leasehold.open(AccessRequest.of("s3-deploy",
        "publish release 1.4.2 artifacts to the deploy bucket", "s3:GetObject", "s3:PutObject", "s3:ListBucket"))) {
      assertThat(approver.lastRequest().intentActions()).containsExactly("s3:GetObject", "s3:PutObject", "s3:ListBucket");
      assertThat(approver.lastRequest().writingActions()).containsExactly("s3:PutObject");
    }
    try (AgentSession session = leasehold.open(AccessRequest.of("cloudwatch-read",
        "find the errors in the checkout service logs of last night", "logs:StartQuery", "logs:FilterLogEvents"))) {
      assertThat(approver.lastRequest().writingActions()).as("Logs Insights queries are reads").isEmpty();
    }
  }

  @Test
  void anIntentNoRoleAllowsIsRefusedBeforeAnyoneIsAsked() {
    assertThatThrownBy(() -> leasehold.open(AccessRequest.of("ec2-read", "terminate the stuck build runner i-0abc123", "ec2:TerminateInstances")))
        .isInstanceOfSatisfying(OutOfScopeException.class, e -> assertThat(e.allowingRoles()).isEmpty())
        .hasMessageContaining("Role 'ec2-read' does not allow ec2:TerminateInstances")
        .hasMessageContaining("add a new role for this task; do not widen this one");
    assertThat(approver.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
    assertThat(audit.types()).containsExactly(AuditEventType.REFUSED);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "U+{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"202E", "200B", "001B", "000A"})
  void anIntentActionOrResourceWithAControlInvisibleOrBidiCharacterIsRefusedBeforeAnyoneIsAsked(String hex) {
    String c = new String(Character.toChars(Integer.parseInt(hex, 16)));
    String reason = "upload the nightly build to the deploy bucket";
    AccessRequest badAction = AccessRequest.builder().role("s3-deploy").reason(reason)
        .intent("s3:Put" + c + "Object").build();
    AccessRequest badResource = AccessRequest.builder().role("s3-deploy").reason(reason).intent("s3:PutObject")
        .resources("arn:aws:s3:::hermes-dev-deploy/releases/" + c + "fdp.zip").build();
    AccessRequest trailing = AccessRequest.builder().role("s3-deploy").reason(reason).intent("s3:PutObject")
        .resources("arn:aws:s3:::hermes-dev-deploy/releases/x.zip" + c).build();

    for (AccessRequest request : List.of(badAction, badResource, trailing)) {
      if (request == trailing && hex.equals("000A")) {
        continue; // a trailing newline is whitespace that the builder strips, so nothing of it remains
      }
      assertThatThrownBy(() -> leasehold.open(request))
          .as("%s", request.resources().isEmpty() ? "action" : "resource")
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("U+" + hex)
          .hasMessageContaining(request.resources().isEmpty() ? "The intent action 1" : "The resource 1")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(c));
    }
    assertThat(approver.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
    assertThat(audit.types()).isNotEmpty().allMatch(t -> t == AuditEventType.REFUSED);
  }

  @Test
  void anIntentAnotherRoleAllowsNamesThatRole() {
    assertThatThrownBy(() -> leasehold.open(AccessRequest.of("ec2-read", "upload the nightly build to the deploy bucket", "s3:PutObject")))
        .isInstanceOfSatisfying(OutOfScopeException.class, e -> assertThat(e.allowingRoles()).containsExactly("s3-deploy"))
        .hasMessageContaining("Ask for role s3-deploy instead");
    assertThat(approver.requestCount()).isZero();
  }

  @Test
  void anAllowedIntentBecomesTheSessionPolicyOnTheWire() {
    try (AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", "upload the nightly build to the deploy bucket", "s3:PutObject"))) {
      assertThat(session.intent()).containsExactly("s3:PutObject");
    }
    String policy = stub.form(0).get("Policy");
    assertThat(policy).isNotBlank();
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.parse(policy));
    assertThat(evaluator.evaluate("s3:PutObject", "arn:aws:s3:::hermes-dev-deploy/releases/1.zip")).isEqualTo(EvaluationResult.ALLOW);
    assertThat(evaluator.evaluate("s3:DeleteObject", "arn:aws:s3:::hermes-dev-deploy/releases/1.zip")).isNotEqualTo(EvaluationResult.ALLOW);
    assertThat(evaluator.evaluate("s3:PutObject", "arn:aws:s3:::another-bucket/x")).isNotEqualTo(EvaluationResult.ALLOW);
    assertThat(approver.lastRequest().intentActions()).containsExactly("s3:PutObject");
  }

  @Test
  void declaredResourcesNarrowTheSessionPolicy() {
    leasehold.open(AccessRequest.builder().role("s3-deploy").reason("upload the nightly build to the deploy bucket")
        .intent("s3:PutObject").resources("arn:aws:s3:::hermes-dev-deploy/nightly/*").build()).close();
    PolicyEvaluator evaluator = PolicyEvaluator.of(PolicyDocument.parse(stub.form(0).get("Policy")));
    assertThat(evaluator.evaluate("s3:PutObject", "arn:aws:s3:::hermes-dev-deploy/nightly/1.zip")).isEqualTo(EvaluationResult.ALLOW);
    assertThat(evaluator.evaluate("s3:PutObject", "arn:aws:s3:::hermes-dev-deploy/index.html")).isNotEqualTo(EvaluationResult.ALLOW);
  }

  @Test
  void resourcesOutsideTheRoleAreOutOfScope() {
    assertThatThrownBy(() -> leasehold.open(AccessRequest.builder().role("s3-deploy").reason("upload the nightly build to the deploy bucket")
        .intent("s3:PutObject").resources("arn:aws:s3:::someone-elses-bucket/*").build()))
        .isInstanceOf(OutOfScopeException.class);
    assertThat(approver.requestCount()).isZero();
  }

  @Test
  void serviceWideWildcardIntentsAreRefused() {
    assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", "upload the nightly build to the deploy bucket", "s3:*")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is every action of a service");
    assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", "upload the nightly build to the deploy bucket", "*")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is every action of every service");
    assertThat(approver.requestCount()).isZero();
  }

  @Test
  void aWildcardIntentIsExpandedExactlyAgainstAwsActionsAndThenCheckedAgainstTheRole() {
    // s3:*Object matches GetObject, PutObject, DeleteObject, RestoreObject, ...: the role allows only two of them
    assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", "upload the nightly build to the deploy bucket",
        "s3:*Object")))
        .isInstanceOf(OutOfScopeException.class).hasMessageContaining("s3:DeleteObject");
    assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", "upload the nightly build to the deploy bucket",
        "s3:GetObjcet*")))
        .isInstanceOf(UnknownActionException.class).hasMessageContaining("'s3:GetObjcet*' matches no IAM action");
    assertThat(approver.requestCount()).isZero();

    // s3:GetBucketLocatio? matches exactly one action; the human, the session policy and the guard see it spelled out
    try (AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", "upload the nightly build to the deploy bucket",
        "s3:PutObject", "s3:GetBucketLocatio?"))) {
      assertThat(approver.lastRequest().intentActions()).containsExactly("s3:PutObject", "s3:GetBucketLocation");
      assertThat(stub.form(0).get("Policy")).contains("\"s3:GetBucketLocation\"").doesNotContain("Locatio?");
    }
  }

  @Test
  void anIntentTooLargeForAStsSessionPolicyIsRefusedBeforeAnyoneIsAsked() {
    List<String> resources = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      resources.add("arn:aws:s3:::hermes-dev-deploy/releases/2026/11/build-" + i + "/*");
    }
    assertThatThrownBy(() -> leasehold.open(AccessRequest.builder().role("s3-deploy").reason("upload the nightly build to the deploy bucket")
        .intent("s3:PutObject").resources(resources).build()))
        .isInstanceOf(PolicyTooLargeException.class).hasMessageContaining("at most 2048").hasMessageContaining("split the task");
    assertThat(approver.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }
}
