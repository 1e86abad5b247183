package dev.leasehold.cli;

import dev.leasehold.audit.AuditCheckpoint;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditLogException;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.fleet.postgres.PostgresAuditVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code leasehold audit ...}: audit trail tools. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Work with a Leasehold audit trail.",
    subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: audit verify FILE | audit verify --fleet-jdbc URL");
  }

  /** {@code leasehold audit verify (FILE | --fleet-jdbc URL ...) [--key-file F] [--checkpoint SEQ:SEAL|FILE]}. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Checks a Leasehold audit trail, a JSON Lines file or the fleet's PostgreSQL table "
          + "(--fleet-jdbc): every record's SHA-256 hash, its sequence number and its link to the record before, so "
          + "an edited, dropped or reordered record is found.",
          "Without --key-file that rules out accidental damage only: whoever can write the trail can rewrite it and "
          + "recompute every hash. With the key of a keyed trail, every record's HMAC-SHA256 is checked too, so "
          + "nobody without the key can edit, delete or re-chain a record unnoticed. Records cut off the end can "
          + "only be seen against a checkpoint kept elsewhere (--checkpoint); on success the last one is printed.",
          "Exit 0 when intact; 1 when tampered, naming the first bad line (file) or record (database) and the "
          + "problem, or when the database cannot be read; 2 for a usage error (including a key file that group or "
          + "others can read)."})
  static final class Verify implements Callable<Integer> {
    private final Cli cli;

    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
        description = "The audit trail (.jsonl); or give --fleet-jdbc for the fleet's database.")
    Path file;

    @Mixin FleetOptions fleet;

    @Option(names = "--key-file", paramLabel = "F",
        description = "The trail's HMAC key, base64 (as 'openssl rand -base64 32' writes it), mode 0600.")
    Path keyFile;

    @Option(names = "--checkpoint", paramLabel = "SEQ:SEAL|FILE",
        description = "A checkpoint kept out of the writers' reach, or a file whose last line holds one: the trail "
            + "must reach record SEQ and hold that seal (its mac, or its hash in an unkeyed trail) there.")
    String checkpoint;

    Verify(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      if (file == null && !fleet.isSet()) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "Missing the trail: give FILE, or --fleet-jdbc URL for the fleet's database");
      }
      if (file != null && fleet.isSet()) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "Give FILE or --fleet-jdbc URL, not both: each is a trail of its own");
      }
      AuditKey key = keyFile == null ? null : key();
      AuditCheckpoint expected = checkpoint == null ? null : checkpoint();
      String label;
      AuditVerification result;
      if (fleet.isSet()) {
        label = fleet.displayUrl();
        try (Connection c = fleet.connect(spec, cli.err)) {
          result = PostgresAuditVerifier.verify(c, key, expected);
        } catch (SQLException e) {
          throw new CliException("Cannot close the connection to " + label + ": " + e.getMessage(), e);
        }
      } else {
        if (!Files.isRegularFile(file)) {
          throw new CliException("No audit trail at " + file);
        }
        label = file.toString();
        result = key == null
            ? expected == null ? AuditVerifier.verify(file) : AuditVerifier.verify(file, expected)
            : expected == null ? AuditVerifier.verify(file, key) : AuditVerifier.verify(file, key, expected);
      }
      if (!result.intact()) {
        if (fleet.isSet()) {
          cli.err.println(label + ": record seq " + result.firstBadLine() + ": " + result.problem());
          cli.err.println(label + ": audit trail TAMPERED: first bad record seq " + result.firstBadLine() + " of "
              + result.records() + " read");
        } else {
          cli.err.println(label + ":" + result.firstBadLine() + ": " + result.problem());
          cli.err.println(label + ": audit trail TAMPERED: first bad line " + result.firstBadLine() + " of "
              + result.records() + " read");
        }
        return LeaseholdCommand.FAILED;
      }
      cli.out.println(label + ": audit trail intact (" + result.records() + " records)");
      cli.out.println(key != null
          ? "MACs: every record's checked with key id " + key.id()
          : "MACs: not checked (no --key-file): this rules out accidental damage, not a rewrite by someone who can "
              + "write the trail");
      if (expected != null) {
        cli.out.println("checkpoint " + expected + ": reached");
      }
      if (result.last() != null) {
        cli.out.println("last checkpoint: " + result.last()
            + " (keep it where the trail's writers cannot change it; pass it to --checkpoint next time)");
      }
      return 0;
    }

    private AuditKey key() {
      try {
        return AuditKey.fromFile(keyFile);
      } catch (AuditLogException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--key-file: " + e.getMessage());
      }
    }

    private AuditCheckpoint checkpoint() {
      String text = checkpoint;
      if (!text.strip().matches("\\d+:[0-9a-f]+")) {
        Path held = Path.of(text);
        if (!Files.isRegularFile(held)) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoint takes SEQ:SEAL (such as 42:"
              + "9f86d081...) or a file holding it; '" + text + "' is neither");
        }
        try { // the last line counts, so checkpoints can be appended to one file over time
          text = Files.readAllLines(held, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
              .reduce((first, second) -> second).orElse("");
        } catch (IOException e) {
          throw new CliException("Cannot read checkpoint file " + held + ": " + e.getMessage(), e);
        }
      }
      try {
        return AuditCheckpoint.parse(text);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoint: " + e.getMessage());
      }
    }
  }
}
