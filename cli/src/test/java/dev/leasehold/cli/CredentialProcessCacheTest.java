package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** credential-process's private lease cache, in-process, with the clock moved instead of waited for. */
class CredentialProcessCacheTest {
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";

  @TempDir Path home;
  final MutableClock clock = MutableClock.startingNow();
  AwsStandIn aws;
  FakeApprover approver;

  @BeforeEach
  void setUp() throws IOException {
    aws = DemoCommand.standIn(RoleCatalog.load(Path.of(resource("reference-catalog.yaml"))), clock);
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws").resolve("credentials"),
        "[hermes-agent]\naws_access_key_id = AKIAAGENTBASE0000001\naws_secret_access_key = agent-base-secret-0001\n");
    approver = FakeApprover.scripted().approve("111111").approve("222222").approve("333333").clock(clock).build();
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  Result run() {
    // Each run closes its channel, as a real process would; the FakeApprover outlives the runs to count prompts.
    ApprovalChannel channel = new ApprovalChannel() {
      @Override
      public Decision decide(ApprovalRequest request) {
        return approver.decide(request);
      }

      @Override
      public void close() {}
    };
    return CliRun.cli().home(home).clock(clock).channels((name, config) -> channel).run("credential-process",
        "--catalog", resource("reference-catalog.yaml"), "--role", "s3-deploy", "--reason", REASON, "--profile",
        "hermes-agent", "--sts-endpoint-url", aws.endpoint().toString(), "--audit-log",
        home.resolve("audit.jsonl").toString());
  }

  Path cacheFile() throws IOException {
    try (Stream<Path> files = Files.list(home.resolve(".cache/leasehold/leases"))) {
      return files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
    }
  }

  @Test
  void repeatedRunsWithinTheLeaseReturnTheSameCredentialsWithoutAPrompt() {
    Result first = run();
    clock.advance(Duration.ofMinutes(4));
    Result second = run();

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(aws.assumeRoles()).hasSize(1);
  }

  @Test
  void aLeaseWithUnderTenMinutesLeftIsRefusedSayingANewApprovalIsNeededAndTheNextRunAsks() throws IOException {
    run();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    Result refused = run();
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).contains("a new lease needs a new approval", "Run the command again", "has 9m 59s left")
        .doesNotContain(AwsStandIn.SECRET_PREFIX);
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(home.resolve(".cache/leasehold/leases")).isEmptyDirectory();

    Result again = run();
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(approver.requestCount()).isEqualTo(2);
  }

  @Test
  void expiredCorruptOrSharedCacheFilesAreRemovedAndIgnored() throws IOException {
    run();
    Path file = cacheFile();

    Files.writeString(file, "{ not json");
    assertThat(run().exit()).isZero();
    assertThat(approver.requestCount()).isEqualTo(2);

    Files.setPosixFilePermissions(cacheFile(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(run().exit()).isZero();
    assertThat(approver.requestCount()).isEqualTo(3);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheFile()))).isEqualTo("rw-------");

    clock.advance(Duration.ofMinutes(16));
    approver = FakeApprover.approving("444444");
    assertThat(run().exit()).isZero();
    assertThat(approver.requestCount()).as("an expired entry is asked anew").isEqualTo(1);
    try (Stream<Path> files = Files.list(home.resolve(".cache/leasehold/leases"))) {
      assertThat(files.toList()).hasSize(1);
    }
  }

  @Test
  void theCacheHoldsOnlyTheCredentialProcessJsonNothingElse() throws IOException {
    Result r = run();

    assertThat(Files.readString(cacheFile())).isEqualTo(r.out().strip());
    assertThat(List.of(Files.readString(cacheFile()))).noneMatch(s -> s.contains("agent-base-secret-0001"));
  }
}
