package dev.leasehold.cli;

import dev.leasehold.FleetUnavailableException;
import dev.leasehold.fleet.postgres.PostgresFleet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code leasehold fleet}: administration of the fleet's PostgreSQL database (see docs/fleet.md). */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = "Administer the fleet's PostgreSQL database.",
    subcommands = {FleetCommand.Migrate.class})
final class FleetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return LeaseholdCommand.USAGE;
  }

  /**
   * {@code leasehold fleet migrate}: brings the schema to the version this build knows, as a role that may create
   * tables (brokers run as a role with the grants of docs/fleet.md and only check the version).
   */
  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Create or upgrade the fleet schema (run as an administrator role, before brokers of a new "
          + "version start). Refuses a schema newer than this build knows.")
  static final class Migrate implements Callable<Integer> {
    private final Cli cli;
    @Spec CommandSpec spec;
    @Mixin FleetOptions db;

    Migrate(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      if (!db.isSet()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "Missing required option: '--fleet-jdbc=URL'");
      }
      db.validate(spec);
      String password = db.password(spec, cli.err);
      try {
        int version = PostgresFleet.migrate(db.jdbcUrl, db.user, password == null ? "" : password);
        cli.out.println("fleet schema at version " + version + " (" + db.displayUrl() + ")");
        return 0;
      } catch (FleetUnavailableException e) {
        throw new CliException(e.getMessage(), e);
      }
    }
  }
}
