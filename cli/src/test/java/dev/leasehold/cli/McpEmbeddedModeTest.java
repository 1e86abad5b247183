package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.testing.AwsStandIn;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code leasehold mcp --catalog ...}: the flow runs in the server's process, and the AWS CLI child reads the lease
 * from the broker the server starts on a loopback port, exactly as from a separate broker.
 */
class McpEmbeddedModeTest {
  @TempDir Path dir;

  @Test
  void theAwsCliGetsTheLeaseFromTheInProcessBrokerAndOneAuditChainRecordsFlowAndTools() throws Exception {
    BrokerFixture.requireDebianClients();
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws").resolve("credentials"),
        "[hermes-agent]\naws_access_key_id = AKIAAGENTBASE0000001\naws_secret_access_key = agent-base-secret-0001\n");
    Path prompts = dir.resolve("prompts.log");
    Path approval = Files.writeString(dir.resolve("approver.properties"), "log=" + prompts + "\n");
    Path audit = dir.resolve("audit.jsonl");
    try (AwsStandIn aws = DemoCommand.standIn(RoleCatalog.load(Path.of(CliRun.resource("broker-catalog.yaml"))),
        Clock.systemUTC())) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PATH", "/usr/bin:/bin");
      env.put("HOME", home.toString());
      env.put("AWS_DEFAULT_REGION", "ap-northeast-2");
      try (McpClientProcess mcp = new McpClientProcess(dir, env, List.of("--catalog",
          CliRun.resource("broker-catalog.yaml"), "--profile", "hermes-agent", "--sts-endpoint-url",
          aws.endpoint().toString(), "--approval", "test-approver", "--approval-config", approval.toString(),
          "--audit-log", audit.toString(), "--aws-cli", BrokerFixture.AWS_CLI, "--aws-endpoint-url",
          aws.endpoint().toString()))) {
        CallToolResult granted = mcp.call("request_aws_lease", Map.of("role", "s3-deploy", "reason",
            BrokerFixture.REASON, "intent", List.of("s3:PutObject")));
        assertThat(granted.isError()).as(McpClientProcess.text(granted)).isFalse();
        String id = (String) ((Map<?, ?>) granted.structuredContent()).get("leaseId");

        CallToolResult who = mcp.call("call_aws", Map.of("lease_id", id, "command", "aws sts get-caller-identity"));
        mcp.call("end_aws_lease", Map.of("lease_id", id));

        assertThat(who.isError()).as(McpClientProcess.text(who)).isFalse();
        assertThat(McpClientProcess.text(who)).contains("assumed-role/hermes-dev-s3-deploy/leasehold-");
        assertThat(aws.callerIdentityKeys()).isNotEmpty().allMatch(k -> k.startsWith(AwsStandIn.KEY_PREFIX));
        assertThat(Files.readAllLines(prompts)).hasSize(1);
        assertThat(mcp.wire()).doesNotContain("agent-base-secret-0001", AwsStandIn.SECRET_PREFIX, AwsStandIn.TOKEN_PREFIX);
      }
      assertThat(Files.readString(audit)).contains("\"assumed\"", "\"call-allowed\"", "mcp:leasehold-test-client/1.0");
      assertThat(AuditVerifier.verify(audit).intact()).isTrue();
    }
  }
}
