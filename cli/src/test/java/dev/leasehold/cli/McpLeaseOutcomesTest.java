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
  void aDeniedRequestSaysNotToRetryAndOneNobodyDecidedSaysToAskTheUserFirst() throws Exception {
    FakeApprover approver = FakeApprover.scripted().deny("not during the freeze").expire().build();
    try (BrokerFixture f = new BrokerFixture(dir, approver, Clock.systemUTC()); McpClientProcess mcp = server(f)) {
      CallToolResult denied = mcp.call("request_aws_lease", s3Deploy());
      CallToolResult undecided = mcp.call("request_aws_lease", Map.of("role", "ec2-read", "reason",
          "list the instances of the staging fleet for the report", "intent", List.of("ec2:DescribeInstances")));

      assertThat(denied.isError()).isTrue();
      assertThat(McpClientProcess.text(denied)).contains("denied", "not during the freeze", "Do not retry this request");
      assertThat(undecided.isError()).isTrue();
      assertThat(McpClientProcess.text(undecided)).contains("Ask the user before requesting it again");
      assertThat(f.aws.assumeRoles()).isEmpty();
      assertThat(Files.readString(dir.resolve("mcp-audit.jsonl"))).contains("\"denied\"", "\"refused\"",
          "mcp:leasehold-test-client/1.0");
    }
  }

  @Test
  void anExpiredLeaseOrOneTooShortForTheAwsCliIsAToolErrorSayingANewLeaseAndApprovalAreNeeded() throws Exception {
    // The broker approves the first lease "26 minutes ago": its 25 minutes ended a minute before the call. The
    // second, approved "16 minutes ago", has 9 minutes left: too little for the AWS CLI (botocore needs 10).
    MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofMinutes(26)));
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.scripted().approve("481516").approve("481517")
        .clock(clock).build(), clock); McpClientProcess mcp = server(f)) {
      String expired = leaseId(mcp.call("request_aws_lease", s3Deploy()));
      clock.advance(Duration.ofMinutes(10));
      String shortLease = leaseId(mcp.call("request_aws_lease", Map.of("role", "s3-deploy", "reason",
          "upload release 1.4.3 artifacts to the deploy bucket", "intent", List.of("s3:PutObject"))));

      CallToolResult late = mcp.call("call_aws", Map.of("lease_id", expired, "command", "aws sts get-caller-identity"));
      CallToolResult tooShort = mcp.call("call_aws", Map.of("lease_id", shortLease, "command",
          "aws sts get-caller-identity"));

      assertThat(late.isError()).isTrue();
      assertThat(McpClientProcess.text(late)).contains("Lease " + expired + " has ended or expired",
          "request a new lease with request_aws_lease (a human approves it again)");
      assertThat(tooShort.isError()).isTrue();
      assertThat(McpClientProcess.text(tooShort)).contains("Lease " + shortLease + " has ",
          "the AWS CLI cannot use credentials with under 10m left",
          "Request a new lease with request_aws_lease (a human approves it again)");
      assertThat(f.aws.callerIdentityKeys()).isEmpty();
      assertThat(f.approver.requestCount()).isEqualTo(2);
    }
  }

  static String leaseId(CallToolResult granted) {
    assertThat(granted.isError()).as(McpClientProcess.text(granted)).isFalse();
    return (String) ((Map<?, ?>) granted.structuredContent()).get("leaseId");
  }
}
