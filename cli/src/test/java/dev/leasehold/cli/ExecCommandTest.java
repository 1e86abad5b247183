package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * leasehold exec against a broker in the test JVM and the AwsStandIn stand-in, with the real AWS CLI and boto3
 * from Debian's packages as the agent's tools.
 */
class ExecCommandTest {
  @TempDir Path dir;

  @Test
  void theAwsCliPutsAnObjectSignedWithTheLeaseAfterOnePrompt() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.approving("481516"), Clock.systemUTC())) {
      Path artifact = Files.writeString(dir.resolve("1.4.2.zip"), "release 1.4.2");

      Result r = f.agentCli().run(f.exec(BrokerFixture.AWS_CLI, "s3api", "put-object", "--endpoint-url",
          f.aws.endpoint().toString(), "--bucket", "hermes-dev-deploy", "--key", "releases/1.4.2.zip", "--body",
          artifact.toString()));

      assertThat(r.exit()).as(r.all()).isZero();
      assertThat(r.out()).contains("ETag");
      assertThat(f.aws.s3Requests()).containsExactly("PUT /hermes-dev-deploy/releases/1.4.2.zip");
      assertThat(f.approver.requestCount()).isEqualTo(1);
      assertThat(f.aws.assumeRoles()).hasSize(1);
      assertThat(f.aws.assumeRoles().get(0)).containsEntry("DurationSeconds", "1500");
      assertThat(AuditVerifier.verify(f.auditFile).intact()).isTrue();
      assertThat(Files.readString(f.auditFile)).contains("\"closed\"");
    }
  }

  @Test
  void theAwsCliGetsTheCallerIdentityOfTheLeaseAfterOnePrompt() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.approving("481516"), Clock.systemUTC())) {
      Result r = f.agentCli().run(f.exec(BrokerFixture.AWS_CLI, "sts", "get-caller-identity", "--endpoint-url",
          f.aws.endpoint().toString()));

      assertThat(r.exit()).as(r.all()).isZero();
      assertThat(r.out()).contains("\"Arn\": \"arn:aws:sts::123456789012:assumed-role/hermes-dev-s3-deploy/leasehold-");
      assertThat(f.aws.callerIdentityKeys()).isNotEmpty().allMatch(k -> k.startsWith(AwsStandIn.KEY_PREFIX));
      assertThat(f.approver.requestCount()).isEqualTo(1);
      assertThat(f.aws.assumeRoles()).hasSize(1);
    }
  }

  @Test
  void theCommandSeesOnlyTheLeaseEndpointNoCredentialVariablesAndNoCredentialsFile() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.approving("481516"), Clock.systemUTC())) {
      Result r = f.agentCli().env("LEASEHOLD_BROKER_TOKEN", BrokerFixture.TOKEN).run(f.exec("/usr/bin/env"));

      assertThat(r.exit()).as(r.all()).isZero();
      List<String> names = r.out().lines().map(l -> l.split("=", 2)[0]).toList();
      assertThat(names).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "HOME")
          .doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
              "LEASEHOLD_BROKER_TOKEN");
      assertThat(r.out()).contains("AWS_SHARED_CREDENTIALS_FILE=/dev/null\n")
          .contains("AWS_CONTAINER_CREDENTIALS_FULL_URI=" + f.broker.uri() + "/v1/credentials/")
          .doesNotContain(BrokerFixture.TOKEN, BrokerFixture.BASE_SECRET, AwsStandIn.SECRET_PREFIX);
      assertThat(f.agentHome.resolve(".aws")).doesNotExist();
    }
  }

  @Test
  void withoutABrokerExecStartsOneInItsOwnProcessForTheDurationOfTheCommand() throws Exception {
    BrokerFixture.requireDebianClients();
    dev.leasehold.catalog.RoleCatalog catalog = dev.leasehold.catalog.RoleCatalog.load(
        Path.of(CliRun.resource("broker-catalog.yaml")));
    FakeApprover approver = FakeApprover.approving("481516");
    Path home = Files.createDirectories(dir.resolve("embedded-home"));
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws").resolve("credentials"),
        "[hermes-agent]\naws_access_key_id = AKIAAGENTBASE0000001\naws_secret_access_key = agent-base-secret-0001\n");
    Path audit = dir.resolve("embedded-audit.jsonl");
    try (AwsStandIn aws = DemoCommand.standIn(catalog, Clock.systemUTC())) {
      Result r = CliRun.cli().home(home).env("HOME", home.toString()).env("PATH", "/usr/bin:/bin")
          .env("AWS_DEFAULT_REGION", "ap-northeast-2").env("AWS_EC2_METADATA_DISABLED", "true").env("AWS_PAGER", "")
          .channels((name, config) -> approver)
          .run("exec", "--catalog", CliRun.resource("broker-catalog.yaml"), "--profile", "hermes-agent",
              "--sts-endpoint-url", aws.endpoint().toString(), "--audit-log", audit.toString(), "--approval",
              "test-approver", "--role", "s3-deploy", "--reason", BrokerFixture.REASON, "--",
              BrokerFixture.AWS_CLI, "sts", "get-caller-identity", "--endpoint-url", aws.endpoint().toString());

      assertThat(r.exit()).as(r.all()).isZero();
      assertThat(r.out()).contains("assumed-role/hermes-dev-s3-deploy/leasehold-");
      assertThat(approver.requestCount()).isEqualTo(1);
      assertThat(aws.assumeRoles()).hasSize(1);
      assertThat(AuditVerifier.verify(audit).intact()).isTrue();
      assertThat(Files.readString(audit)).contains("\"assumed\"", "\"closed\"");
    }
  }

  @Test
  void keysInTheDefaultProfileOfTheCredentialsFileDoNotTakeThePlaceOfTheLease() throws Exception {
    BrokerFixture.requireDebianClients();
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.approving("481516"), Clock.systemUTC())) {
      Path aws = Files.createDirectories(f.agentHome.resolve(".aws"));
      Files.writeString(aws.resolve("credentials"),
          "[default]\naws_access_key_id = AKIADEFAULTPROFILE01\naws_secret_access_key = default-profile-secret-01\n");
      Files.writeString(aws.resolve("config"), "[default]\nregion = ap-northeast-2\noutput = json\n");

      Result r = f.agentCli().run(f.exec(BrokerFixture.AWS_CLI, "sts", "get-caller-identity", "--endpoint-url",
          f.aws.endpoint().toString()));

      assertThat(r.exit()).as(r.all()).isZero();
      assertThat(r.out()).contains("assumed-role/hermes-dev-s3-deploy/leasehold-");
      assertThat(f.aws.callerIdentityKeys()).isNotEmpty().allMatch(k -> k.startsWith(AwsStandIn.KEY_PREFIX));
    }
  }

  @Test
  void aDefaultProfileWithCredentialsInTheConfigFileIsRefusedBeforeAnyoneIsAsked() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.approving("481516"), Clock.systemUTC())) {
      Path config = Files.createDirectories(f.agentHome.resolve(".aws")).resolve("config");
      Files.writeString(config, "[default]\nregion = ap-northeast-2\ncredential_process = /usr/local/bin/creds "
          + "--secret not-a-real-secret-0001\n[profile other]\nrole_arn = arn:aws:iam::123456789012:role/x\n");

      Result r = f.agentCli().run(f.exec("/bin/sh", "-c", "echo ran"));

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.out()).doesNotContain("ran");
      assertThat(r.err()).contains("The default profile in " + config + " sets credential_process,",
          "instead of the lease. Nothing was asked.", "AWS_CONFIG_FILE")
          .doesNotContain("not-a-real-secret-0001", "role_arn");
      assertThat(f.approver.requestCount()).isZero();
      assertThat(f.aws.assumeRoles()).isEmpty();
    }
  }

  @Test
  void theCommandsExitCodeBecomesOursAndTheLeaseEndsWithIt() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.approving("481516"), Clock.systemUTC())) {
      Result r = f.agentCli().run(f.exec("/bin/sh", "-c", "exit 7"));

      assertThat(r.exit()).isEqualTo(7);
      assertThat(Files.readString(f.auditFile)).contains("\"closed\"");
    }
  }

  @Test
  void aRefusedRequestRunsNothingAndExitsOne() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.denying("not today"), Clock.systemUTC())) {
      Path marker = dir.resolve("ran");

      Result r = f.agentCli().run(f.exec("/usr/bin/touch", marker.toString()));

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("was denied by", "not today");
      assertThat(marker).doesNotExist();
      assertThat(f.aws.assumeRoles()).isEmpty();
    }
  }

  @Test
  void boto3UnderAFifteenMinuteLeaseRefreshesFromTheBrokerWithoutANewPrompt() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.approving("481516"), Clock.systemUTC())) {
      Path script = Files.writeString(dir.resolve("calls.py"), """
          import sys, boto3
          s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="ap-northeast-2")
          for n in range(5):
              s3.put_object(Bucket="hermes-dev-deploy", Key="short/%d" % n, Body=b"x")
          print("calls", 5)
          """);
      String[] args = f.exec(BrokerFixture.PYTHON, script.toString(), f.aws.endpoint().toString());
      List<String> withDuration = new java.util.ArrayList<>(List.of(args));
      withDuration.add(withDuration.indexOf("--"), "--duration");
      withDuration.add(withDuration.indexOf("--"), "15m");

      Result r = f.agentCli().run(withDuration.toArray(String[]::new));

      assertThat(r.exit()).as(r.all()).isZero();
      assertThat(r.out()).contains("calls 5");
      assertThat(f.aws.assumeRoles()).hasSize(1);
      assertThat(f.aws.assumeRoles().get(0)).containsEntry("DurationSeconds", "900");
      assertThat(f.approver.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void aLeaseTooShortForBotocoreFailsWithAClearErrorAndNoSecondPrompt() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofMinutes(15)).minusSeconds(1));
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.scripted().approve("481516").clock(clock).build(),
        clock)) {
      Path started = dir.resolve("started");
      Path go = dir.resolve("go");
      Path script = Files.writeString(dir.resolve("late.py"), """
          import os, sys, time, boto3
          open(sys.argv[2], "w").close()
          while not os.path.exists(sys.argv[3]):
              time.sleep(0.01)
          boto3.client("sts", endpoint_url=sys.argv[1], region_name="ap-northeast-2").get_caller_identity()
          """);
      List<String> args = new java.util.ArrayList<>(List.of(f.exec(BrokerFixture.PYTHON, script.toString(),
          f.aws.endpoint().toString(), started.toString(), go.toString())));
      args.add(args.indexOf("--"), "--duration");
      args.add(args.indexOf("--"), "25m");
      // The lease is approved "15 minutes ago" by the broker's clock; once the command runs, the clock moves to
      // now, so boto3's first fetch finds a lease with under 10 minutes left.
      Thread mover = new Thread(() -> {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
          while (!Files.exists(started) && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          clock.advance(Duration.ofMinutes(15).plusSeconds(2));
          Files.createFile(go);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      mover.start();

      Result r = f.agentCli().run(args.toArray(String[]::new));
      mover.join();

      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).containsIgnoringCase("a new lease needs a new approval").contains("9m 58s left");
      assertThat(f.approver.requestCount()).isEqualTo(1);
      assertThat(f.aws.callerIdentityKeys()).isEmpty();
    }
  }
}
