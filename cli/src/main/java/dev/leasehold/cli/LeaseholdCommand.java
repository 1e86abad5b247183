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
        "Run 'leasehold COMMAND --help' for a command's options. More: docs/cli.md"})
final class LeaseholdCommand implements Callable<Integer> {
  /**
   * The subcommands, by name, in the order the help lists them. Building a command's model (picocli reflects
   * over its options and mixins) is most of the command line's start-up: a run that names its command builds
   * only that one; any other run (help, version, a mistyped name) builds them all.
   */
  private static final String[] NAMES = {"demo", "catalog", "policy", "lint", "verify", "revoke", "audit",
      "credential-process", "broker", "exec", "mcp", "fleet"};

  private static Class<?> subcommand(String name) {
    return switch (name) {
      case "demo" -> DemoCommand.class;
      case "catalog" -> CatalogCommand.class;
      case "policy" -> PolicyCommand.class;
      case "lint" -> LintCommand.class;
      case "verify" -> VerifyCommand.class;
      case "revoke" -> RevokeCommand.class;
      case "audit" -> AuditCommand.class;
      case "credential-process" -> CredentialProcessCommand.class;
      case "broker" -> BrokerCommand.class;
      case "exec" -> ExecCommand.class;
      case "mcp" -> McpCommand.class;
      case "fleet" -> FleetCommand.class;
      default -> null;
    };
  }

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

  /** Builds the command line for {@code cli} with every subcommand: streams, exit codes and error reporting wired. */
  static CommandLine commandLine(Cli cli) {
    return commandLine(cli, new String[0]);
  }

  /** As {@link #commandLine(Cli)}, with only the subcommand {@code args} names, if it names one. */
  static CommandLine commandLine(Cli cli, String[] args) {
    Factory factory = new Factory(cli);
    CommandLine cmd = new CommandLine(new LeaseholdCommand(), factory);
    Class<?> named = args.length > 0 ? subcommand(args[0]) : null;
    try {
      if (named != null) {
        cmd.addSubcommand(args[0], factory.create(named));
      } else {
        for (String name : NAMES) {
          cmd.addSubcommand(name, factory.create(subcommand(name)));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the leasehold commands", e);
    }
    // Set after the subcommands are added: picocli hands these settings to the subcommands present now.
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
    int code = commandLine(cli, args).execute(args);
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
