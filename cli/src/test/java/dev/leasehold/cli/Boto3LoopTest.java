package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.testing.FakeApprover;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one long test (90 s of wall time): a boto3 loop, as an agent's tool would run it, making a call every
 * second under leasehold exec. botocore refreshes container credentials on its own schedule; none of that
 * may reach the human.
 */
class Boto3LoopTest {
  @TempDir Path dir;

  @Test
  void aBoto3LoopCallingEverySecondForNinetySecondsGetsOnePromptAndOneAssumeRole() throws Exception {
    try (BrokerFixture f = new BrokerFixture(dir, FakeApprover.approving("481516"), Clock.systemUTC())) {
      Path script = Files.writeString(dir.resolve("loop.py"), """
          import sys, time, boto3
          s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="ap-northeast-2")
          end = time.time() + float(sys.argv[2])
          n = 0
          while time.time() < end:
              s3.put_object(Bucket="hermes-dev-deploy", Key="loop/%d" % n, Body=b"tick")
              n += 1
              time.sleep(1)
          print("calls", n)
          """);

      Result r = f.agentCli().run(f.exec(BrokerFixture.PYTHON, script.toString(), f.aws.endpoint().toString(), "90"));

      assertThat(r.exit()).as(r.all()).isZero();
      long calls = Long.parseLong(r.out().strip().split(" ")[1]);
      assertThat(calls).isGreaterThanOrEqualTo(60);
      assertThat(f.aws.s3Requests()).hasSize((int) calls).allMatch(s -> s.startsWith("PUT /hermes-dev-deploy/loop/"));
      assertThat(f.approver.requestCount()).isEqualTo(1);
      assertThat(f.aws.assumeRoles()).hasSize(1);
      assertThat(f.aws.assumeRoles().get(0)).as("a lease long enough for botocore").containsEntry("DurationSeconds",
          "1500");
    }
  }
}
