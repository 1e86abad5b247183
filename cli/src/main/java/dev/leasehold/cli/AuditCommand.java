package dev.leasehold.cli;

import dev.leasehold.audit.AuditVerification;
import dev.leasehold.audit.AuditVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code leasehold audit ...}: audit trail tools. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Work with a Leasehold audit trail.",
    subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: audit verify FILE");
  }

  /** {@code leasehold audit verify FILE}. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Checks a JSON Lines audit trail: every record's SHA-256 hash, its sequence number and its "
          + "link to the record before, so an edited, dropped or reordered line is found. (Lines cut from the end "
          + "cannot be seen from the file alone.)",
          "Exit 0 when intact; 1 when tampered, naming the first bad line and the problem."})
  static final class Verify implements Callable<Integer> {
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "FILE", description = "The audit trail (.jsonl).")
    Path file;

    Verify(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      if (!Files.isRegularFile(file)) {
        throw new CliException("No audit trail at " + file);
      }
      AuditVerification result = AuditVerifier.verify(file);
      if (result.intact()) {
        cli.out.println(file + ": audit trail intact (" + result.records() + " records)");
        return 0;
      }
      cli.err.println(file + ":" + result.firstBadLine() + ": " + result.problem());
      cli.err.println(file + ": audit trail TAMPERED: first bad line " + result.firstBadLine() + " of "
          + result.records() + " read");
      return LeaseholdCommand.FAILED;
    }
  }
}
