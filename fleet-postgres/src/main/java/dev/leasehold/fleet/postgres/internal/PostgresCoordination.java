package dev.leasehold.fleet.postgres.internal;

import dev.leasehold.fleet.Coordination;
import dev.leasehold.fleet.GuardRailStore;
import dev.leasehold.fleet.TaskCoordinator;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/** The guard rails and the task coordinator of one broker in PostgreSQL; closed with its fleet. */
public final class PostgresCoordination implements Coordination, AutoCloseable {
  private final PostgresGuardRails rails;
  private final PostgresTasks tasks;

  public PostgresCoordination(DataSource pool, Duration checkout, byte[] handOffKey, Clock clock, String brokerId) {
    Db db = new Db(pool, checkout);
    Macs macs = new Macs(handOffKey);
    this.rails = new PostgresGuardRails(db, macs, clock, brokerId);
    this.tasks = new PostgresTasks(pool, db, macs, clock, brokerId);
  }

  @Override
  public GuardRailStore guardRails() {
    return rails;
  }

  @Override
  public TaskCoordinator tasks() {
    return tasks;
  }

  @Override
  public void close() {
    tasks.close();
  }

  @Override
  public String toString() {
    return "PostgresCoordination[" + tasks + "]";
  }
}
