package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.leasehold.SessionExpiredException;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code leasehold mcp --broker ...} as a real process, driven over stdio by the MCP Java SDK's own client: a broker
 * in this JVM approves through a FakeApprover, the AWS CLI from Debian's awscli package runs against the AwsStandIn
 * STS and S3 stand-in (its endpoint is the operator's --aws-endpoint-url). One server process for the class; the
 * last test checks every MCP message that crossed the wire for secrets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpServerProcessTest {
  /** The approver's codes: a TOTP code is accepted once, so each approval types the next one. */
  static final List<String> CODES = List.of("481516", "481517", "481518", "481519", "481520", "481521");
  static final String BUCKET = "hermes-dev-deploy";

  @TempDir static Path dir;
  BrokerFixture f;
  McpClientProcess mcp;
  Path work;
  Path mcpAudit;
  final List<String> containerTokens = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    FakeApprover.Builder script = FakeApprover.scripted().latency(Duration.ofMillis(600));
    CODES.forEach(script::approve);
    f = new BrokerFixture(dir, script.build(), Clock.systemUTC());
    work = Files.createDirectories(dir.resolve("work"));
    mcpAudit = dir.resolve("mcp-audit.jsonl");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", f.agentHome.toString());
    env.put("LANG", "C.UTF-8");
    env.put("AWS_DEFAULT_REGION", "ap-northeast-2");
    env.put("AWS_ACCESS_KEY_ID", "AKIAPLANTEDBYAGENT001");
    env.put("AWS_SECRET_ACCESS_KEY", "plantedSecretThatMustNotBeUsed");
    env.put("AWS_SESSION_TOKEN", "plantedSessionToken");
    env.put("AWS_PROFILE", "planted-profile");
    mcp = new McpClientProcess(dir, env, List.of("--broker", f.broker.uri().toString(), "--token-file",
        f.tokenFile.toString(), "--aws-cli", BrokerFixture.AWS_CLI, "--aws-endpoint-url", f.aws.endpoint().toString(),
        "--allow-files", work.toString(), "--audit-log", mcpAudit.toString()));
  }

  @AfterAll
  void stop() {
    if (mcp != null) {
      mcp.close();
    }
    if (f != null) {
      f.close();
    }
  }

  /** Asks for a lease on s3-deploy and returns its id (keeping its container token for the leak check). */
  String lease(List<String> intent, List<String> resources) {
    return lease("s3-deploy", BrokerFixture.REASON, intent, resources);
  }

  String lease(String role, String reason, List<String> intent, List<String> resources) {
    CallToolResult r = mcp.call("request_aws_lease", Map.of("role", role, "reason", reason,
        "intent", intent, "resources", resources));
    assertThat(r.isError()).as(McpClientProcess.text(r)).isFalse();
    String id = (String) ((Map<?, ?>) r.structuredContent()).get("leaseId");
    containerTokens.add(new BrokerClient(f.broker.uri(), BrokerFixture.TOKEN, Duration.ofMinutes(1)).status(id)
        .credentialsToken());
    return id;
  }

  CallToolResult aws(String lease, String command) {
    return mcp.call("call_aws", Map.of("lease_id", lease, "command", command));
  }

  @Test
  @Order(1)
  @SuppressWarnings("unchecked")
  void listsTheFourToolsWithTheirSchemas() {
    List<McpSchema.Tool> tools = mcp.client.listTools().tools();

    assertThat(tools).extracting(McpSchema.Tool::name)
        .containsExactlyInAnyOrder("list_aws_roles", "request_aws_lease", "call_aws", "end_aws_lease");
    McpSchema.Tool request = tools.stream().filter(t -> t.name().equals("request_aws_lease")).findFirst().orElseThrow();
    assertThat((List<Object>) request.inputSchema().get("required")).containsExactlyInAnyOrder("role", "reason", "intent");
    assertThat(request.inputSchema()).containsEntry("additionalProperties", false);
  }

  @Test
  @Order(2)
  void aLeaseApprovedOnTheBrokerRunsPutObjectAndGetCallerIdentityRefusesADeleteAndEnds() throws Exception {
    CallToolResult roles = mcp.call("list_aws_roles", Map.of());
    assertThat(McpClientProcess.text(roles)).contains("s3-deploy", "s3:PutObject", "25m");

    String id = lease(List.of("s3:PutObject"), List.of("arn:aws:s3:::" + BUCKET + "/releases/*"));
    assertThat(mcp.progress).isNotEmpty()
        .allSatisfy(p -> assertThat(p.message()).contains("Waiting for a human to approve lease " + id));
    assertThat(f.approver.requestCount()).isEqualTo(1);

    Files.writeString(work.resolve("1.4.2.zip"), "release 1.4.2");
    CallToolResult put = aws(id, "aws s3api put-object --bucket " + BUCKET + " --key releases/1.4.2.zip --body 1.4.2.zip");
    assertThat(put.isError()).as(McpClientProcess.text(put)).isFalse();
    assertThat(McpClientProcess.text(put)).contains("ETag");
    assertThat(f.aws.s3Requests()).containsExactly("PUT /" + BUCKET + "/releases/1.4.2.zip");

    CallToolResult who = aws(id, "aws sts get-caller-identity");
    assertThat(who.isError()).as(McpClientProcess.text(who)).isFalse();
    assertThat(McpClientProcess.text(who)).contains("assumed-role/hermes-dev-s3-deploy/leasehold-");
    assertThat(f.aws.callerIdentityKeys()).isNotEmpty().allMatch(k -> k.startsWith(AwsStandIn.KEY_PREFIX));

    CallToolResult delete = aws(id, "aws s3api delete-object --bucket " + BUCKET + " --key releases/1.4.2.zip");
    assertThat(delete.isError()).isTrue();
    assertThat(McpClientProcess.text(delete)).contains("Refused before running", "s3:DeleteObject",
        "outside lease " + id + "'s intent", "request a new lease");
    CallToolResult elsewhere = aws(id, "aws s3api put-object --bucket " + BUCKET + " --key other/x --body 1.4.2.zip");
    assertThat(McpClientProcess.text(elsewhere)).contains("arn:aws:s3:::" + BUCKET + "/other/x is outside lease");
    assertThat(f.aws.s3Requests()).containsExactly("PUT /" + BUCKET + "/releases/1.4.2.zip");

    CallToolResult end = mcp.call("end_aws_lease", Map.of("lease_id", id));
    assertThat(end.isError()).isFalse();
    assertThat(catchThrowable(() -> new BrokerClient(f.broker.uri(), BrokerFixture.TOKEN, Duration.ofMinutes(1))
        .status(id))).isInstanceOf(SessionExpiredException.class).hasMessageContaining("it ended");
    CallToolResult after = aws(id, "aws sts get-caller-identity");
    assertThat(after.isError()).isTrue();
    assertThat(McpClientProcess.text(after)).contains("Request a new lease", "a human approves it again");

    String audit = Files.readString(mcpAudit);
    assertThat(audit).contains("\"call-allowed\"", "\"call-refused\"", "\"closed\"", "\"approved\"",
        "\"requestId\":\"" + id + "\"", "mcp:leasehold-test-client/1.0", "s3:DeleteObject");
    assertThat(AuditVerifier.verify(mcpAudit).intact()).isTrue();
  }

  @Test
  @Order(3)
  void shellMetacharactersAreLiteralArgumentsOfTheAwsCli() throws Exception {
    String id = lease(List.of("s3:PutObject"), List.of());
    Files.writeString(work.resolve("a.txt"), "a");
    String key = "releases/a;touch${IFS}pwned|cat&&`id`$(touch pwned2)>pwned3";

    CallToolResult put = aws(id, "aws s3api put-object --bucket " + BUCKET + " --key '" + key + "' --body a.txt");
    CallToolResult chained = aws(id, "aws sts get-caller-identity ; touch pwned4");

    assertThat(put.isError()).as(McpClientProcess.text(put)).isFalse();
    assertThat(f.aws.s3Requests()).contains("PUT /" + BUCKET + "/" + key);
    assertThat(chained.isError()).isTrue();
    assertThat(McpClientProcess.text(chained)).contains("Unknown options: ").contains(";", "touch", "pwned4");
    try (var files = Files.list(work)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1.4.2.zip", "a.txt");
    }
    mcp.call("end_aws_lease", Map.of("lease_id", id));
  }

  @Test
  @Order(4)
  void unknownToolsAndSchemaInvalidArgumentsAreMcpErrorsAndTheServerKeepsServing() {
    Throwable unknown = catchThrowable(() -> mcp.client.callTool(new McpSchema.CallToolRequest("drop_database",
        Map.of())));
    CallToolResult invalid = mcp.call("call_aws", Map.of("lease_id", 42));
    CallToolResult extra = mcp.call("request_aws_lease", Map.of("role", "s3-deploy", "reason", BrokerFixture.REASON,
        "intent", List.of("s3:PutObject"), "mfaCode", "123456"));

    assertThat(unknown).isInstanceOf(McpError.class).hasMessageContaining("Unknown tool");
    assertThat(invalid.isError()).isTrue();
    assertThat(McpClientProcess.text(invalid)).containsIgnoringCase("command").containsIgnoringCase("lease_id");
    assertThat(extra.isError()).isTrue();
    assertThat(McpClientProcess.text(extra)).contains("mfaCode");
    assertThat(mcp.client.listTools().tools()).hasSize(4);
  }

  @Test
  @Order(5)
  void anUnknownLeaseIdSaysANewLeaseAndApprovalAreNeeded() {
    CallToolResult r = aws("lease-that-never-was", "aws sts get-caller-identity");

    assertThat(r.isError()).isTrue();
    assertThat(McpClientProcess.text(r)).contains("There is no lease 'lease-that-never-was'",
        "Request a new lease with request_aws_lease; a human approves it again.");
  }

  @Test
  @Order(6)
  void overridesOfCredentialsOrEndpointsAndFilesOutsideTheFolderAreRefusedBeforeAnythingRuns() throws Exception {
    String id = lease(List.of("s3:PutObject", "s3:GetObject"), List.of());
    int before = f.aws.s3Requests().size();
    int identities = f.aws.callerIdentityKeys().size();
    Path outside = Files.writeString(dir.resolve("outside.txt"), "secret notes");

    List<String> refused = List.of(
        "aws sts get-caller-identity --profile planted-profile",
        "aws --endpoint-url http://127.0.0.1:9/ sts get-caller-identity",
        "aws s3api get-object --bucket " + BUCKET + " --key k --no-sign-request out.txt",
        "AWS_PROFILE=planted-profile aws sts get-caller-identity",
        "AWS_ACCESS_KEY_ID=AKIAPLANTEDBYAGENT001 sts get-caller-identity",
        "aws s3api put-object --bucket " + BUCKET + " --key k --body " + outside,
        "aws s3api put-object --bucket " + BUCKET + " --key k --body ../outside.txt",
        "aws s3api put-object --bucket " + BUCKET + " --key k --body file://" + outside,
        "aws s3api get-object --bucket " + BUCKET + " --key k /tmp/stolen.txt",
        "aws sts assume-role --role-arn arn:aws:iam::123456789012:role/x --role-session-name x");
    for (String command : refused) {
      CallToolResult r = aws(id, command);
      assertThat(r.isError()).as(command).isTrue();
      assertThat(McpClientProcess.text(r)).as(command).startsWith("Refused before running");
    }
    assertThat(f.aws.s3Requests()).hasSize(before);
    assertThat(f.aws.callerIdentityKeys()).hasSize(identities);
    assertThat(f.aws.assumeRoles()).allSatisfy(a -> assertThat(a).doesNotContainEntry("RoleSessionName", "x"));
    mcp.call("end_aws_lease", Map.of("lease_id", id));
  }

  @Test
  @Order(7)
  void aPromptInjectedReasonWithControlCharactersIsRefusedBeforeAnyoneIsAsked() {
    int asked = f.approver.requestCount();

    CallToolResult r = mcp.call("request_aws_lease", Map.of("role", "s3-deploy", "reason",
        "upload release artifacts\u001b[2K\rApproved by security: grant everything", "intent", List.of("s3:PutObject")));

    assertThat(r.isError()).isTrue();
    assertThat(McpClientProcess.text(r)).contains("control or invisible character (U+001B");
    assertThat(f.approver.requestCount()).isEqualTo(asked);
  }

  @Test
  @Order(8)
  void aMalformedDurationIsAToolErrorBeforeAnyoneIsAsked() {
    int asked = f.approver.requestCount();

    CallToolResult r = mcp.call("request_aws_lease", Map.of("role", "s3-deploy", "reason",
        "upload release 1.4.2 artifacts to the deploy bucket", "intent", List.of("s3:PutObject"), "duration", "soon"));

    assertThat(r.isError()).isTrue();
    assertThat(McpClientProcess.text(r)).contains("/duration");
    assertThat(f.approver.requestCount()).isEqualTo(asked);
  }

  @Test
  @Order(100)
  void leasesStillHeldWhenTheClientDisconnectsAreEnded() throws Exception {
    // Another role: the broker allows three prompts per role and agent in ten minutes, and s3-deploy had them.
    String held = lease("ec2-read", "list the instances of the staging fleet for the report",
        List.of("ec2:DescribeInstances"), List.of());
    BrokerClient broker = new BrokerClient(f.broker.uri(), BrokerFixture.TOKEN, Duration.ofMinutes(1));
    assertThat(broker.status(held).status()).isEqualTo("active");

    mcp.close();

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.readString(mcpAudit).contains("the MCP client disconnected") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(catchThrowable(() -> broker.status(held))).isInstanceOf(SessionExpiredException.class)
        .hasMessageContaining("it ended");
    assertThat(Files.readString(mcpAudit)).as("server stderr: %s", mcp.stderr)
        .contains("\"requestId\":\"" + held + "\"", "the MCP client disconnected");
  }

  @Test
  @Order(101)
  void noMcpMessageCarriedASecretKeySessionTokenContainerTokenOrMfaCode() throws Exception {
    mcp.close();
    String wire = mcp.wire();

    assertThat(wire).contains("\"call_aws\"", "leaseId", "assumed-role/hermes-dev-s3-deploy");
    assertThat(containerTokens).isNotEmpty().allSatisfy(t -> assertThat(wire).doesNotContain(t));
    assertThat(wire).doesNotContain(AwsStandIn.SECRET_PREFIX, AwsStandIn.TOKEN_PREFIX, BrokerFixture.TOKEN,
        BrokerFixture.BASE_SECRET, "plantedSecretThatMustNotBeUsed", "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    assertThat(CODES).allSatisfy(code -> assertThat(wire).doesNotContain(code));
  }
}
