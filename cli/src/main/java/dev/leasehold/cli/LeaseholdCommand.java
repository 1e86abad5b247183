package dev.leasehold.cli;

import dev.leasehold.catalog.CatalogInvalidException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root {@code leasehold} command: only dispatches to its subcommands. */
@Command(name = "leasehold", mixinStandardHelpOptions = true, versionProvider = LeaseholdCommand.Version.class,
    description = "AWS access for AI agents through human-approved, MFA-gated, 15-minute role leases.",
    footer = {"", "Exit codes: 0 success, 1 a finding or a refused request, 2 a usage error.",
        "Run 'leasehold COMMAND --help' for a command's options. More: docs/cli.md"},
    subcommands = {DemoCommand.class, CatalogCommand.class, PolicyCommand.class, LintCommand.class,
        VerifyCommand.class, RevokeCommand.class, AuditCommand.class, CredentialProcessCommand.class,
        BrokerCommand.class, ExecCommand.class, McpCommand.class})
final class LeaseholdCommand implements Callable<Integer> {
  /** A finding, a refused request, or a failure while running. */
  static final int FAILED = 1;
  /** A usage error: unknown option, missing parameter, bad value. */
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** Builds the command line for {@code cli}: streams, exit codes and error reporting wired. */
  static CommandLine commandLine(Cli cli) {
    CommandLine cmd = new CommandLine(new LeaseholdCommand(), new Factory(cli));
    cmd.setOut(new PrintWriter(cli.out, true));
    cmd.setErr(new PrintWriter(cli.err, true));
    cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof CatalogInvalidException invalid) {
        invalid.problems().forEach(p -> commandLine.getErr().println(p));
      } else {
        commandLine.getErr().println("leasehold " + commandLine.getCommandName() + ": " + Errors.describe(e));
      }
      commandLine.getErr().flush();
      return FAILED;
    });
    return cmd;
  }

  /** Runs {@code args} and returns the exit code. */
  static int execute(Cli cli, String... args) {
    int code = commandLine(cli).execute(args);
    cli.out.flush();
    cli.err.flush();
    return code;
  }

  /** Creates commands, handing the {@link Cli} to those that take one. */
  private static final class Factory implements CommandLine.IFactory {
    private final Cli cli;

    Factory(Cli cli) {
      this.cli = cli;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        var constructor = type.getDeclaredConstructor(Cli.class);
        constructor.setAccessible(true);
        return constructor.newInstance(cli);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  /** The version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = LeaseholdCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {"leasehold " + p.getProperty("version", "unknown")};
    }
  }
}
