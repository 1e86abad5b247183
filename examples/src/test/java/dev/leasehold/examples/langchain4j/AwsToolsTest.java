package dev.leasehold.examples.langchain4j;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.leasehold.examples.langchain4j.ScriptedChatModel.call;
import static dev.leasehold.examples.langchain4j.ScriptedChatModel.grantedLease;
import static dev.leasehold.examples.langchain4j.ScriptedChatModel.lastToolResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.tool.ToolExecution;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.examples.langchain4j.LeakyAwsTools.Leak;
import dev.leasehold.examples.support.WireMockAws;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

/** The LangChain4j tools driven by a scripted model through AiServices, against stand-in STS, S3 and EC2. */
class AwsToolsTest {
  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension ec2 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String S3_CODE = "492817";
  static final String EC2_CODE = "583920";
  static final String ASK_S3 = """
      {"role":"s3-deploy","reason":"list release 1.4.2 artifacts for the release notes","actions":["s3:ListBucket"]}""";
  static final String ASK_EC2 = """
      {"role":"ec2-read","reason":"list EC2 instances in us-east-1 for the capacity report","actions":["ec2:DescribeInstances"]}""";

  /** The agent interface a user writes; Result exposes the tool executions for the test. */
  interface OpsAssistant {
    Result<String> chat(String userMessage);
  }

  private final InMemoryAuditSink audit = new InMemoryAuditSink();
  private final ScriptedChatModel model = new ScriptedChatModel();
  private AwsSessionFactory leasehold;
  private AwsTools tools;

  @BeforeEach
  void standIns() {
    WireMockAws.stsIssuesLeases(sts);
    WireMockAws.s3Lists(s3, "hermes-dev-deploy", "releases/1.4.2/", "releases/1.4.2/app.jar", "releases/1.4.2/notes.md");
    WireMockAws.ec2DescribesInstances(ec2);
  }

  @AfterEach
  void close() {
    tools.close();
    leasehold.close();
  }

  private AwsTools tools(FakeApprover approver) {
    leasehold = dev.leasehold.examples.support.TestLeasehold.factory(WireMockAws.endpoint(sts), approver, audit).build();
    tools = new AwsTools(leasehold,
        () -> S3Client.builder().endpointOverride(WireMockAws.endpoint(s3)).forcePathStyle(true),
        () -> Ec2Client.builder().endpointOverride(WireMockAws.endpoint(ec2)));
    return tools;
  }

  private Result<String> converse(Object toolObject, String userMessage) {
    OpsAssistant assistant = AiServices.builder(OpsAssistant.class)
        .chatModel(model)
        .systemMessageProvider(memoryId -> AwsAccessRules.text())
        .tools(toolObject)
        .build();
    return assistant.chat(userMessage);
  }

  /** Ask for S3, list, ask for EC2, describe, answer. */
  private void scriptTheReleaseReport() {
    model.then(m -> call("request_aws_access", ASK_S3))
        .then(m -> call("list_s3_objects", "{\"lease\":\"" + grantedLease(m) + "\",\"bucket\":\"hermes-dev-deploy\",\"prefix\":\"releases/1.4.2/\"}"))
        .then(m -> call("request_aws_access", ASK_EC2))
        .then(m -> call("describe_ec2_instances", "{\"lease\":\"" + grantedLease(m) + "\",\"region\":\"us-east-1\"}"))
        .then(m -> AiMessage.from("Release 1.4.2 has 2 artifacts; 1 of 2 instances is running."));
  }

  private static List<String> toolResults(Result<String> result) {
    return result.toolExecutions().stream().map(ToolExecution::result).toList();
  }

  @Test
  void modelSeesLeaseHandlesAndResultsButNeverCredentials() {
    FakeApprover approver = FakeApprover.scripted().approver("alice").approve(S3_CODE).approve(EC2_CODE).build();
    scriptTheReleaseReport();

    Result<String> result = converse(tools(approver), "Summarise release 1.4.2 and our EC2 fleet.");

    assertThat(result.content()).isEqualTo("Release 1.4.2 has 2 artifacts; 1 of 2 instances is running.");
    List<String> results = toolResults(result);
    assertThat(results).hasSize(4);
    assertThat(results.get(0)).matches("GRANTED lease=lease-[0-9a-f]{8} role=s3-deploy expires=\\S+Z "
        + "approvedBy=alice allows=\\[s3:ListBucket]\\. .*");
    assertThat(results.get(1)).isEqualTo("releases/1.4.2/app.jar (1024 bytes)\nreleases/1.4.2/notes.md (1024 bytes)");
    assertThat(results.get(2)).startsWith("GRANTED lease=lease-").contains("role=ec2-read");
    assertThat(results.get(3)).isEqualTo("i-0598c7d356eba48d7 running t3.micro name=api-1\n"
        + "i-0a1b2c3d4e5f67890 stopped t3.small name=batch-1");
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).singleElement()
        .satisfies(r -> assertThat(r.getHeader("Authorization")).contains("Credential=" + WireMockAws.ACCESS_KEY_ID + "/"));
    assertThat(ec2.findAll(anyRequestedFor(anyUrl()))).singleElement()
        .satisfies(r -> assertThat(r.getBodyAsString()).contains("Action=DescribeInstances"));

    new LeakDetector(S3_CODE, EC2_CODE).assertNoSecrets(LeakDetector.modelVisibleText(model.requests(), result));
  }

  @Test
  void everyRequestStartsWithTheAccessRules() {
    FakeApprover approver = FakeApprover.approving(S3_CODE);
    scriptTheReleaseReport();

    converse(tools(approver), "Summarise release 1.4.2 and our EC2 fleet.");

    assertThat(model.requests()).hasSize(5).allSatisfy(r ->
        assertThat(((SystemMessage) r.messages().get(0)).text()).isEqualTo(AwsAccessRules.text()));
    assertThat(model.requests().get(0).toolSpecifications()).extracting(s -> s.name())
        .containsExactlyInAnyOrder("request_aws_access", "list_s3_objects", "describe_ec2_instances");
  }

  @ParameterizedTest
  @EnumSource(Leak.class)
  void leakDetectorCatchesAToolThatPutsCredentialsInItsResult(Leak leak) {
    FakeApprover approver = FakeApprover.approving(S3_CODE);
    scriptTheReleaseReport();

    Result<String> result = converse(new LeakyAwsTools(tools(approver), leasehold, leak), "Summarise release 1.4.2.");

    Map<String, String> seen = LeakDetector.modelVisibleText(model.requests(), result);
    String secret = switch (leak) {
      case ACCESS_KEY_ID -> "lease access key id";
      case SECRET_ACCESS_KEY -> "lease secret access key";
      case SESSION_TOKEN -> "lease session token";
    };
    assertThatThrownBy(() -> new LeakDetector(S3_CODE).assertNoSecrets(seen))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the " + secret + " in tool execution 0 (request_aws_access)")
        .hasMessageContaining("the " + secret + " in request 1 message 3");
  }

  @Test
  void denialComesBackAsTextTheModelCanActOn() {
    FakeApprover approver = FakeApprover.scripted().approver("alice").deny("not during the freeze").build();
    model.then(m -> call("request_aws_access", ASK_S3))
        .then(m -> AiMessage.from("Access was denied by alice: " + lastToolResult(m)));

    Result<String> result = converse(tools(approver), "List release 1.4.2.");

    assertThat(toolResults(result)).containsExactly("DENIED by alice: not during the freeze. Do not retry.");
    assertThat(WireMockAws.assumeRoleRequests(sts)).isEmpty();
  }

  @Test
  void unansweredApprovalComesBackAsText() {
    String answer = tools(FakeApprover.expiring()).requestAwsAccess("s3-deploy",
        "list release 1.4.2 artifacts for the release notes", List.of("s3:ListBucket"));

    assertThat(answer).startsWith("NO DECISION: nobody approved in time and nothing was done.");
  }

  @Test
  void callOutsideTheLeaseIsRefusedBeforeItReachesAws() {
    model.then(m -> call("request_aws_access", ASK_S3))
        .then(m -> call("describe_ec2_instances", "{\"lease\":\"" + grantedLease(m) + "\",\"region\":\"us-east-1\"}"))
        .then(m -> AiMessage.from("I need an ec2-read lease for that."));

    Result<String> result = converse(tools(FakeApprover.approving(S3_CODE)), "List our instances.");

    assertThat(toolResults(result).get(1)).isEqualTo("REFUSED: ec2:DescribeInstances is outside this lease. "
        + "Request a new lease that declares it, or tell the user.");
    assertThat(ec2.findAll(anyRequestedFor(anyUrl()))).isEmpty();
  }

  @Test
  void unknownLeaseHandleIsRefused() {
    String answer = tools(FakeApprover.approving(S3_CODE)).listS3Objects("lease-0badf00d", "hermes-dev-deploy", "");

    assertThat(answer).isEqualTo("UNKNOWN LEASE 'lease-0badf00d': use a handle returned by request_aws_access.");
    assertThat(s3.findAll(anyRequestedFor(anyUrl()))).isEmpty();
  }

  @Test
  void describeSignsForTheRegionTheModelAskedFor() {
    AwsTools aws = tools(FakeApprover.approving(EC2_CODE));
    String granted = aws.requestAwsAccess("ec2-read", "list EC2 instances in eu-west-1 for the capacity report",
        List.of("ec2:DescribeInstances"));
    String lease = granted.split(" ")[1].substring("lease=".length());

    aws.describeEc2Instances(lease, "eu-west-1");

    assertThat(ec2.findAll(anyRequestedFor(anyUrl()))).singleElement()
        .satisfies(r -> assertThat(r.getHeader("Authorization")).contains("/eu-west-1/ec2/aws4_request"));
    assertThat(aws.describeEc2Instances(lease, "Europe please")).startsWith("INVALID REGION");
  }

  @Test
  void outOfScopeNamesTheRolesThatWouldDoAndNeverSuggestsWidening() {
    tools(FakeApprover.approving(S3_CODE));
    assertThat(AwsTools.refusal(new OutOfScopeException("intent not allowed", List.of("ec2-read"))))
        .isEqualTo("OUT OF SCOPE: the role does not allow those actions. Roles that do: ec2-read.");
    assertThat(AwsTools.refusal(new OutOfScopeException("intent not allowed", List.of())))
        .isEqualTo("OUT OF SCOPE: the role does not allow those actions and no role does. Tell the user; "
            + "do not ask to widen a role.");
  }
}
