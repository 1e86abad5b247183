package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.cli;
import static dev.leasehold.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.cli.CliRun.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --help for every command, and usage errors exit 2 with the problem on standard error. */
class HelpAndUsageTest {

  @ParameterizedTest(name = "leasehold {0} --help")
  @ValueSource(strings = {"demo", "catalog validate", "policy render", "lint", "verify", "revoke", "audit verify",
      "credential-process", "catalog", "policy", "audit", "broker", "exec", "mcp"})
  void everyCommandExplainsItself(String command) {
    String[] args = (command + " --help").split(" ");

    Result r = cli().run(args);

    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("Usage: leasehold " + command).contains("-h, --help");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void theBrokerExecAndCredentialProcessHelpSayWhatEachSdkDoesWithAFifteenMinuteLease() {
    for (String command : new String[] {"broker", "exec", "credential-process"}) {
      String help = cli().run(command, "--help").out().replaceAll("\\s+", " ");

      assertThat(help).as(command).contains("botocore", "10 minutes", "25m");
    }
    String exec = cli().run("exec", "--help").out().replaceAll("\\s+", " ");
    assertThat(exec).contains("5 usable minutes", "AWS SDK for Java v2", "1 minute before it expires",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  }

  @Test
  void theRootHelpListsEveryCommandAndTheExitCodes() {
    Result r = cli().run("--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("demo", "catalog", "policy", "lint", "verify", "revoke", "audit", "credential-process",
        "broker", "exec", "mcp")
        .contains("Exit codes: 0 success, 1 a finding or a refused request, 2 a usage error.");
  }

  @Test
  void versionComesFromTheBuild() {
    Result r = cli().run("--version");

    assertThat(r.exit()).isZero();
    assertThat(r.out().strip()).matches("leasehold \\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void noCommandIsAUsageError() {
    Result r = cli().run();

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing a command").contains("Usage: leasehold");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aGroupWithoutItsSubcommandIsAUsageError() {
    assertThat(cli().run("catalog").exit()).isEqualTo(2);
    assertThat(cli().run("policy").exit()).isEqualTo(2);
    assertThat(cli().run("audit").exit()).isEqualTo(2);
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    Result r = cli().run("lint", resource("reference-catalog.yaml"), "--colour");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--colour'");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Result r = cli().run("deploy");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("deploy");
  }
}
