package dev.leasehold.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with a stand-in for the AWS CLI: a shell script that prints what it was given. */
class CliRunnerTest {
  static final URI CREDENTIALS = URI.create("http://127.0.0.1:8512/v1/credentials/lease-1");
  static final String LEASE_TOKEN = "lease-container-token-0123456789abcdef";

  @TempDir Path dir;

  Path script(String body) throws Exception {
    Path script = dir.resolve("aws");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  CliRunner runner(Path aws, Duration timeout, int limit) {
    return new CliRunner(aws.toString(), URI.create("http://127.0.0.1:4566"), dir, Map.of("PATH", "/usr/bin:/bin",
        "HOME", dir.toString(), "AWS_ACCESS_KEY_ID", "AKIAPLANTED000000001", "AWS_SECRET_ACCESS_KEY", "planted",
        "AWS_PROFILE", "planted", "AWS_SHARED_CREDENTIALS_FILE", "/home/x/.aws/credentials",
        "AWS_ENDPOINT_URL_S3", "http://evil.example", "LEASEHOLD_BROKER_TOKEN", "client-token"), timeout, limit);
  }

  @Test
  void theChildSeesOnlyTheLeaseEndpointAndTheOperatorsEndpointUrl() throws Exception {
    Path aws = script("echo \"args: $*\"; env | sort");

    CliRunner.Outcome o = runner(aws, Duration.ofSeconds(20), 65536).run(AwsCommand.parse("aws sts get-caller-identity",
        null), CREDENTIALS, LEASE_TOKEN);

    assertThat(o.exitCode()).isZero();
    assertThat(o.stdout()).contains("args: sts get-caller-identity --endpoint-url http://127.0.0.1:4566",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI=" + CREDENTIALS, "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
        "AWS_CONFIG_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
        .doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "evil.example",
            "LEASEHOLD_BROKER_TOKEN");
  }

  @Test
  void outputWithACredentialShapedStringOrTheLeaseTokenIsRedacted() throws Exception {
    Path aws = script("echo \"token=$AWS_CONTAINER_AUTHORIZATION_TOKEN\"; "
        + "echo '{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\", \"AccessKeyId\": "
        + "\"ASIAEXAMPLE123456789\"}'");

    CliRunner.Outcome o = runner(aws, Duration.ofSeconds(20), 65536).run(AwsCommand.parse("aws sts get-caller-identity",
        null), CREDENTIALS, LEASE_TOKEN);
    String shown = Redactor.redact(o.stdout(), List.of(LEASE_TOKEN));

    assertThat(o.stdout()).contains(LEASE_TOKEN);
    assertThat(shown).doesNotContain(LEASE_TOKEN, "wJalrXUtnFEMI", "ASIAEXAMPLE123456789").contains("[REDACTED]");
  }

  @Test
  void aCommandPastItsDeadlineIsKilledAndSaysSo() throws Exception {
    Path aws = script("echo started; exec sleep 30");

    long start = System.nanoTime();
    CliRunner.Outcome o = runner(aws, Duration.ofMillis(500), 65536).run(AwsCommand.parse("aws s3 ls", null),
        CREDENTIALS, LEASE_TOKEN);

    assertThat(o.timedOut()).isTrue();
    assertThat(o.exitCode()).isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void outputBeyondTheLimitIsCutAndMarked() throws Exception {
    Path aws = script("head -c 100000 /dev/zero | tr '\\\\0' x");

    CliRunner.Outcome o = runner(aws, Duration.ofSeconds(20), 4096).run(AwsCommand.parse("aws s3 ls", null),
        CREDENTIALS, LEASE_TOKEN);

    assertThat(o.stdout()).hasSize(4096);
    assertThat(o.truncated()).isTrue();
  }
}
