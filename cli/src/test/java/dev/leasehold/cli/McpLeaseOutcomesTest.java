package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.testing.FakeApprover;
import dev.leasehold.testing.MutableClock;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outcomes of a lease the model cannot change by asking again: a denial, and a lease that ran out. Each test
 * runs {@code leasehold mcp --broker ...} as its own process against a broker in this JVM.
 */
class McpLeaseOutcomesTest {
  @TempDir Path dir;

  McpClientProcess server(BrokerFixture f) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", f.agentHome.toString());
    env.put("AWS_DEFAULT_REGION", "ap-northeast-2");
    return new McpClientProcess(dir, env, List.of("--broker", f.broker.uri().toString(), "--token-file",
        f.tokenFile.toString(), "--aws-cli", BrokerFixture.AWS_CLI, "--aws-endpoint-url", f.aws.endpoint().toString(),
        "--audit-log", dir.resolve("mcp-audit.jsonl").toString()));
  }

  static Map<String, Object> s3Deploy() {
    return Map.of("role", "s3-deploy", "reason", BrokerFixture.REASON, "intent", List.of("s3:PutObject"));
  }

  @Test
  void aDeniedRequestIsAToolErrorSayingNotToRetry() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.denying("not during the freeze"), Clock.systemUTC());
         McpClientProcess mcp = server(f)) {
      CallToolResult r = mcp.call("request_aws_lease", s3Deploy());

      assertThat(r.isError()).isTrue();
      assertThat(McpClientProcess.text(r)).contains("denied", "not during the freeze", "Do not retry this request");
      assertThat(f.aws.assumeRoles()).isEmpty();
      assertThat(Files.readString(dir.resolve("mcp-audit.jsonl"))).contains("\"denied\"",
          "mcp:leasehold-test-client/1.0");
    }
  }

  @Test
  void anExpiredLeaseIsAToolErrorSayingANewLeaseAndApprovalAreNeeded() throws Exception {
    // The broker approves "26 minutes ago": the 25-minute lease it hands out ended a minute before the call.
    MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofMinutes(26)));
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.scripted().approve("481516").clock(clock).build(),
        clock); McpClientProcess mcp = server(f)) {
      CallToolResult granted = mcp.call("request_aws_lease", s3Deploy());
      assertThat(granted.isError()).as(McpClientProcess.text(granted)).isFalse();
      String id = (String) ((Map<?, ?>) granted.structuredContent()).get("leaseId");

      CallToolResult r = mcp.call("call_aws", Map.of("lease_id", id, "command", "aws sts get-caller-identity"));

      assertThat(r.isError()).isTrue();
      assertThat(McpClientProcess.text(r)).contains("Lease " + id + " has ended or expired",
          "request a new lease with request_aws_lease (a human approves it again)");
      assertThat(f.aws.callerIdentityKeys()).isEmpty();
      assertThat(f.approver.requestCount()).isEqualTo(1);
    }
  }
}
