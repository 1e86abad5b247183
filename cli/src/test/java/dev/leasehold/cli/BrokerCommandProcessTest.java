package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.leasehold.AccessRequest;
import dev.leasehold.BrokerUnavailableException;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.testing.AwsStandIn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;

/**
 * {@code leasehold broker} as its own process (its own home with the base profile), and agents in other
 * processes whose home holds only an AWS config: the AWS CLI through credential_process, and the AWS SDK for
 * Java v2's ProcessCredentialsProvider. Also: the broker killed with SIGKILL mid-approval.
 */
class BrokerCommandProcessTest {
  static final String REASON = "read the caller identity of the deploy role";

  @TempDir Path dir;
  AwsStandIn aws;
  Path brokerHome;
  Path agentHome;
  Path prompts;
  Path audit;
  Path tokenFile;
  Process broker;

  @BeforeEach
  void setUp() throws IOException {
    BrokerFixture.requireDebianClients();
    aws = DemoCommand.standIn(RoleCatalog.load(Path.of(CliRun.resource("broker-catalog.yaml"))), Clock.systemUTC());
    brokerHome = BrokerFixture.brokerHome(dir.resolve("broker-home"));
    agentHome = Files.createDirectories(dir.resolve("agent-home"));
    prompts = dir.resolve("prompts.log");
    audit = dir.resolve("broker-audit.jsonl");
    tokenFile = dir.resolve("client-token");
  }

  @AfterEach
  void tearDown() {
    if (broker != null) {
      broker.destroyForcibly();
    }
    aws.close();
  }

  /** Starts the broker process; returns its URL from the first line it prints. */
  URI startBroker(long approvalLatencyMillis) throws IOException {
    Path approvalConfig = Files.writeString(dir.resolve("approver.properties"),
        "log=" + prompts + "\nlatency-ms=" + approvalLatencyMillis + "\n");
    Path script = LeaseholdProcess.script(dir, brokerHome, dir.resolve("broker-runs.log"));
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "broker", "--catalog", CliRun.resource("broker-catalog.yaml"),
        "--profile", "hermes-agent", "--sts-endpoint-url", aws.endpoint().toString(), "--approval", "test-approver",
        "--approval-config", approvalConfig.toString(), "--audit-log", audit.toString(), "--listen", "127.0.0.1:0",
        "--token-file", tokenFile.toString());
    pb.environment().put("HOME", brokerHome.toString());
    pb.environment().remove("AWS_ACCESS_KEY_ID");
    pb.environment().remove("AWS_SECRET_ACCESS_KEY");
    pb.redirectError(dir.resolve("broker-stderr.log").toFile());
    broker = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("broker stderr: %s", Files.exists(dir.resolve("broker-stderr.log"))
        ? Files.readString(dir.resolve("broker-stderr.log")) : "").startsWith("leasehold broker: listening on ");
    return URI.create(line.substring("leasehold broker: listening on ".length()).strip());
  }

  String token() throws IOException {
    return Files.readString(tokenFile).strip();
  }

  @Test
  void theBrokerCreatesAPrivateClientTokenAndTheAwsCliThroughCredentialProcessPromptsOnce() throws Exception {
    URI url = startBroker(0);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
    assertThat(token()).hasSize(43);
    Path agentRuns = dir.resolve("agent-runs.log");
    Path script = LeaseholdProcess.script(Files.createDirectories(dir.resolve("agent-bin")), agentHome, agentRuns);
    Files.createDirectories(agentHome.resolve(".aws"));
    Files.writeString(agentHome.resolve(".aws").resolve("config"), "[profile lease]\nregion = ap-northeast-2\n"
        + "credential_process = " + LeaseholdProcess.commandLine(script, List.of("credential-process", "--broker",
            url.toString(), "--token-file", tokenFile.toString(), "--role", "s3-deploy", "--reason", REASON)) + "\n");

    ProcessBuilder pb = new ProcessBuilder(BrokerFixture.AWS_CLI, "sts", "get-caller-identity", "--endpoint-url",
        aws.endpoint().toString());
    pb.environment().clear();
    pb.environment().putAll(Map.of("HOME", agentHome.toString(), "PATH", "/usr/bin:/bin", "AWS_PROFILE", "lease",
        "AWS_EC2_METADATA_DISABLED", "true", "AWS_PAGER", "", "LANG", "C.UTF-8"));
    Process process = pb.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).as(output).isZero();
    assertThat(output).contains("assumed-role/hermes-dev-s3-deploy/leasehold-");
    assertThat(LeaseholdProcess.lines(prompts)).isEqualTo(1);
    assertThat(aws.assumeRoles()).hasSize(1);
    assertThat(agentHome.resolve(".aws").resolve("credentials")).doesNotExist();
    assertThat(agentHome.resolve(".cache")).as("no lease is cached by the agent in broker mode").doesNotExist();
  }

  @Test
  void theJavaSdksProcessCredentialsProviderReadsLeasesFromTheBroker() throws Exception {
    URI url = startBroker(0);
    Path script = LeaseholdProcess.script(Files.createDirectories(dir.resolve("agent-bin")), agentHome,
        dir.resolve("agent-runs.log"));
    String command = LeaseholdProcess.commandLine(script, List.of("credential-process", "--broker", url.toString(),
        "--token-file", tokenFile.toString(), "--role", "s3-deploy", "--reason", REASON));

    AwsSessionCredentials first;
    AwsSessionCredentials second;
    try (ProcessCredentialsProvider p = ProcessCredentialsProvider.builder().command(command).build()) {
      first = (AwsSessionCredentials) p.resolveCredentials();
    }
    try (ProcessCredentialsProvider p = ProcessCredentialsProvider.builder().command(command).build()) {
      second = (AwsSessionCredentials) p.resolveCredentials();
    }

    assertThat(first.accessKeyId()).startsWith(AwsStandIn.KEY_PREFIX);
    assertThat(second.sessionToken()).isEqualTo(first.sessionToken());
    assertThat(first.expirationTime()).isPresent();
    assertThat(LeaseholdProcess.lines(prompts)).isEqualTo(1);
    assertThat(aws.assumeRoles()).hasSize(1);
    assertThat(aws.assumeRoles().get(0)).containsEntry("DurationSeconds", "1500");
  }

  @Test
  void aBrokerKilledMidApprovalGivesClientsATypedErrorAndLeavesAnIntactAuditChainAndNoCredentials()
      throws Exception {
    URI url = startBroker(60_000);
    BrokerClient client = new BrokerClient(url, token(), Duration.ofMinutes(2));
    CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> catchThrowable(() ->
        client.request(AccessRequest.of("s3-deploy", REASON))));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (LeaseholdProcess.lines(prompts) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(LeaseholdProcess.lines(prompts)).as("the human is being asked").isEqualTo(1);

    broker.destroyForcibly();
    assertThat(broker.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Throwable failure = waiting.get(10, TimeUnit.SECONDS);

    assertThat(failure).isInstanceOf(BrokerUnavailableException.class).hasMessageContaining("unavailable");
    assertThat(catchThrowable(() -> client.roles())).isInstanceOf(BrokerUnavailableException.class);
    AuditVerification verification = AuditVerifier.verify(audit);
    assertThat(verification.intact()).as(verification.problem()).isTrue();
    assertThat(verification.records()).isGreaterThanOrEqualTo(1);
    assertThat(aws.assumeRoles()).isEmpty();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain(AwsStandIn.SECRET_PREFIX, AwsStandIn.TOKEN_PREFIX);
      }
    }
  }
}
