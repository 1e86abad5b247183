package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.testing.AwsStandIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;

/**
 * credential-process without a broker, run by real clients as its own process: the AWS CLI from Debian's
 * awscli package and the AWS SDK for Java v2's ProcessCredentialsProvider, against the AwsStandIn stand-in.
 * The approval channel is the test-only provider loaded by name, which logs one line per prompt.
 */
class CredentialProcessWithRealClientsTest {
  static final String REASON = "read the caller identity of the deploy role";

  @TempDir Path dir;
  AwsStandIn aws;
  Path home;
  Path prompts;
  Path runs;
  Path script;

  @BeforeEach
  void setUp() throws IOException {
    BrokerFixture.requireDebianClients();
    aws = DemoCommand.standIn(RoleCatalog.load(Path.of(CliRun.resource("reference-catalog.yaml"))), Clock.systemUTC());
    home = Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws").resolve("credentials"),
        "[hermes-agent]\naws_access_key_id = AKIAAGENTBASE0000001\naws_secret_access_key = agent-base-secret-0001\n");
    prompts = dir.resolve("prompts.log");
    runs = dir.resolve("runs.log");
    Path approvalConfig = Files.writeString(dir.resolve("approver.properties"), "log=" + prompts + "\n");
    script = LeaseholdProcess.script(dir, home, runs);
    List<String> args = List.of("credential-process", "--catalog", CliRun.resource("reference-catalog.yaml"),
        "--role", "s3-deploy", "--reason", REASON, "--profile", "hermes-agent", "--sts-endpoint-url",
        aws.endpoint().toString(), "--approval", "test-approver", "--approval-config", approvalConfig.toString(),
        "--audit-log", dir.resolve("audit.jsonl").toString());
    Files.writeString(home.resolve(".aws").resolve("config"), "[profile lease]\nregion = ap-northeast-2\n"
        + "credential_process = " + LeaseholdProcess.commandLine(script, args) + "\n");
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  @Test
  void theAwsCliGetsTheCallerIdentityWithOnePromptThoughItRunsTheProcessTwice() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(BrokerFixture.AWS_CLI, "sts", "get-caller-identity", "--endpoint-url",
        aws.endpoint().toString());
    pb.environment().clear();
    pb.environment().putAll(Map.of("HOME", home.toString(), "PATH", "/usr/bin:/bin", "AWS_PROFILE", "lease",
        "AWS_EC2_METADATA_DISABLED", "true", "AWS_PAGER", "", "LANG", "C.UTF-8"));
    Process process = pb.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).as(output).isZero();
    assertThat(output).contains("assumed-role/hermes-dev-s3-deploy/leasehold-");
    assertThat(LeaseholdProcess.lines(runs)).as("botocore runs credential_process again for a 15-minute lease")
        .isGreaterThanOrEqualTo(2);
    assertThat(LeaseholdProcess.lines(prompts)).isEqualTo(1);
    assertThat(aws.assumeRoles()).hasSize(1);
    assertTheCacheIsOnePrivateFile();
  }

  @Test
  void theJavaSdksProcessCredentialsProviderReadsTheLeaseAndRepeatedRunsDoNotPrompt() throws Exception {
    List<String> command = new ArrayList<>();
    String line = Files.readAllLines(home.resolve(".aws").resolve("config")).stream()
        .filter(l -> l.startsWith("credential_process = ")).findFirst().orElseThrow();
    String commandLine = line.substring("credential_process = ".length());
    command.add(commandLine);

    AwsSessionCredentials first;
    AwsSessionCredentials second;
    try (ProcessCredentialsProvider provider = ProcessCredentialsProvider.builder().command(commandLine).build()) {
      first = (AwsSessionCredentials) provider.resolveCredentials();
    }
    try (ProcessCredentialsProvider provider = ProcessCredentialsProvider.builder().command(commandLine).build()) {
      second = (AwsSessionCredentials) provider.resolveCredentials();
    }

    assertThat(first.accessKeyId()).startsWith(AwsStandIn.KEY_PREFIX);
    assertThat(second.accessKeyId()).isEqualTo(first.accessKeyId());
    assertThat(second.sessionToken()).isEqualTo(first.sessionToken());
    assertThat(first.expirationTime()).isPresent();
    assertThat(LeaseholdProcess.lines(runs)).isEqualTo(2);
    assertThat(LeaseholdProcess.lines(prompts)).isEqualTo(1);
    assertThat(aws.assumeRoles()).hasSize(1);
    assertTheCacheIsOnePrivateFile();
  }

  private void assertTheCacheIsOnePrivateFile() throws IOException {
    Path leases = home.resolve(".cache").resolve("leasehold").resolve("leases");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(leases))).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(leases)) {
      List<Path> all = files.toList();
      assertThat(all).singleElement().satisfies(f -> {
        assertThat(f.getFileName().toString()).matches("[0-9a-f]{40}\\.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
      });
    }
  }
}
