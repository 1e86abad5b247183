package dev.leasehold.fleet.postgres.internal;

import dev.leasehold.FleetUnavailableException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * The fleet schema's migrations (Flyway, {@code classpath:db/leasehold/fleet}, schema {@code leasehold},
 * history table {@code leasehold.schema_history}) and the check a broker runs before it serves.
 */
public final class FleetSchema {
  /** The newest migration this build carries; raise it with every new {@code V<n>__*.sql}. */
  public static final int KNOWN_VERSION = 4;

  private FleetSchema() {}

  private static Flyway flyway(DataSource ds) {
    return Flyway.configure()
        .dataSource(ds)
        .schemas("leasehold")
        .createSchemas(true)
        .table("schema_history")
        .locations("classpath:db/leasehold/fleet")
        .validateMigrationNaming(true)
        .cleanDisabled(true)
        .load();
  }

  /**
   * Migrates to {@link #KNOWN_VERSION}.
   *
   * @return the version after migrating
   */
  public static int migrate(DataSource ds) {
    Flyway flyway = flyway(ds);
    try {
      refuseNewer(flyway.info());
      flyway.migrate();
      return applied(flyway.info());
    } catch (FlywayException e) {
      throw new FleetUnavailableException("Migrating the fleet schema failed: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that the database's schema is exactly the one this build knows.
   *
   * @throws FleetUnavailableException naming the versions and what to run
   */
  public static void check(DataSource ds) {
    MigrationInfoService info;
    try {
      info = flyway(ds).info();
    } catch (FlywayException e) {
      throw new FleetUnavailableException("Could not read the fleet schema's version: " + e.getMessage(), e);
    }
    refuseNewer(info);
    int applied = applied(info);
    if (applied < KNOWN_VERSION) {
      throw new FleetUnavailableException("The fleet schema is at version " + applied + " and this broker needs "
          + KNOWN_VERSION + ". Run 'leasehold fleet migrate' (as a role that may create tables), then start the "
          + "broker again.", null);
    }
  }

  private static void refuseNewer(MigrationInfoService info) {
    int applied = applied(info);
    if (applied > KNOWN_VERSION) {
      throw new FleetUnavailableException("The fleet schema is at version " + applied + ", newer than this broker "
          + "knows (" + KNOWN_VERSION + "): another broker of a newer Leasehold migrated it. Upgrade this broker; it "
          + "does not start against a schema it does not know.", null);
    }
  }

  private static int applied(MigrationInfoService info) {
    int max = 0;
    for (MigrationInfo m : info.applied()) {
      if (m.getVersion() != null && m.getState().isApplied()) {
        max = Math.max(max, Integer.parseInt(m.getVersion().getVersion().split("\\.")[0]));
      }
    }
    return max;
  }
}
