package dev.leasehold.fleet.postgres;

import dev.leasehold.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (started on first use, removed at exit) and a fresh database per
 * test, so that tests never see each other's rows.
 */
final class FleetDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static LocalPostgres server;

  private FleetDatabases() {}

  static synchronized LocalPostgres server() {
    if (server == null || !server.isRunning()) {
      if (server == null) {
        server = LocalPostgres.start();
      } else {
        server.restart();
      }
    }
    return server;
  }

  /** A new, empty database; returns its JDBC URL. */
  static String newDatabase() {
    LocalPostgres pg = server();
    String name = "fleet_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = admin("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return pg.jdbcUrl(name);
  }

  /** A superuser connection to {@code database}. */
  static Connection admin(String database) throws SQLException {
    LocalPostgres pg = server();
    return DriverManager.getConnection(pg.jdbcUrl(database), LocalPostgres.SUPERUSER, pg.superuserPassword());
  }

  /** A superuser connection to the database at {@code url}. */
  static Connection adminAt(String url) throws SQLException {
    return DriverManager.getConnection(url, LocalPostgres.SUPERUSER, server().superuserPassword());
  }

  /** A fleet on {@code url} as the superuser, migrating the schema. */
  static PostgresFleet.Builder fleet(String url) {
    return PostgresFleet.builder().jdbcUrl(url).user(LocalPostgres.SUPERUSER).password(server().superuserPassword())
        .migrate(true);
  }
}
