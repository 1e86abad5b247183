package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.cli;
import static dev.leasehold.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.testing.FakeApprover;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** leasehold broker's refusals before it serves anything (the running broker is BrokerCommandProcessTest's). */
class BrokerCommandTest {
  @TempDir Path home;

  @BeforeEach
  void setUp() throws IOException {
    BrokerFixture.brokerHome(home);
  }

  Result broker(String... extra) {
    String[] base = {"broker", "--catalog", resource("broker-catalog.yaml"), "--profile", "hermes-agent",
        "--audit-log", home.resolve("audit.jsonl").toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return cli().home(home).env("HOME", home.toString()).channels((name, config) -> FakeApprover.approving("481516"))
        .run(args);
  }

  @Test
  void aTokenFileReadableByOthersIsRefused() throws IOException {
    Path token = Files.writeString(home.resolve("token"), "a-token-that-others-can-read-0123456789abcdef\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

    Result r = broker("--token-file", token.toString(), "--listen", "127.0.0.1:0");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("readable by others", "chmod 600").doesNotContain("a-token-that-others");
  }

  @Test
  void aClientsFileReadableByOthersIsRefused() throws IOException {
    Path clients = Files.writeString(home.resolve("clients.properties"), "hermes=" + "t".repeat(40) + "\n");
    Files.setPosixFilePermissions(clients, PosixFilePermissions.fromString("rw-rw----"));

    Result r = broker("--clients", clients.toString(), "--listen", "127.0.0.1:0");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("readable by others");
  }

  @Test
  void aShortClientTokenIsRefused() throws IOException {
    Path token = Files.createFile(home.resolve("short"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(token, "too-short\n");

    Result r = broker("--token-file", token.toString(), "--listen", "127.0.0.1:0");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("at least 32");
  }

  @Test
  void aNonLoopbackAddressIsRefusedWithoutTheFlag() {
    Result r = broker("--token-file", home.resolve("new-token").toString(), "--listen", "0.0.0.0:0");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("loopback only", "--allow-non-loopback");
  }

  @Test
  void aMalformedListenAddressIsAUsageError() {
    Result r = broker("--listen", "localhost");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--listen must be HOST:PORT");
  }

  @Test
  void fleetOptionsWithoutAFleetDatabaseAreAUsageError() throws IOException {
    Result r = broker("--token-file", home.resolve("new-token").toString(), "--fleet-key-file",
        home.resolve("key").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("belong to a broker of a fleet", "--fleet-jdbc");
  }

  @Test
  void aBrokerOfAFleetRefusesAnAuditLogFileAndNeedsTheHandOffKey() throws IOException {
    Result withLog = broker("--token-file", home.resolve("new-token").toString(), "--fleet-jdbc",
        "jdbc:postgresql://127.0.0.1:9/leasehold", "--fleet-user", "leasehold_broker", "--fleet-key-file",
        home.resolve("key").toString());

    assertThat(withLog.exit()).isEqualTo(2);
    assertThat(withLog.err()).contains("--audit-log is not used by a broker of a fleet");

    Result withoutKey = cli().home(home).env("HOME", home.toString())
        .channels((name, config) -> FakeApprover.approving("481516"))
        .run("broker", "--catalog", resource("broker-catalog.yaml"), "--profile", "hermes-agent", "--token-file",
            home.resolve("new-token").toString(), "--fleet-jdbc", "jdbc:postgresql://127.0.0.1:9/leasehold",
            "--fleet-user", "leasehold_broker");

    assertThat(withoutKey.exit()).isEqualTo(2);
    assertThat(withoutKey.err()).contains("--fleet-key-file is required with --fleet-jdbc");
  }
}
