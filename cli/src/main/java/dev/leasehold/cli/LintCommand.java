package dev.leasehold.cli;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.policy.LintFinding;
import dev.leasehold.policy.LintFinding.Severity;
import dev.leasehold.policy.PolicyLinter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code leasehold lint FILE}: the safe-agent rules over a catalog. */
@Command(name = "lint", mixinStandardHelpOptions = true,
    description = {"Checks a catalog against the safe-agent rules: no '*' actions, no Admin/PowerUser/FullAccess "
        + "managed policies, no read+write+delete in one role, no write actions on '*', trust with MFA, no "
        + "Principal '*', policies within IAM's size limits.",
        "Prints one line per finding: SEVERITY rule-id [role]: message.",
        "Exit 0 when there is no ERROR or WARNING (ADVICE is printed but passes); 1 otherwise."})
final class LintCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "FILE", description = "The catalog file.")
  Path file;

  @Option(names = "--terraform-output", paramLabel = "FILE",
      description = "A 'terraform output -json' file giving role_arns and agent_user_arn.")
  Path terraformOutput;

  LintCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    RoleCatalog catalog = AwsSetup.catalog(file, terraformOutput);
    List<LintFinding> findings = PolicyLinter.withClock(cli.clock).lint(catalog);
    findings.forEach(cli.out::println);
    long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
    long warnings = findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
    long advice = findings.size() - errors - warnings;
    cli.out.println(file + ": " + errors + " error(s), " + warnings + " warning(s), " + advice + " advice");
    return errors + warnings == 0 ? 0 : LeaseholdCommand.FAILED;
  }
}
