package dev.leasehold.fleet.postgres.internal;

import dev.leasehold.FleetUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Transactions on the fleet's pool, and the one place where a database failure becomes a
 * {@link FleetUnavailableException} that says what to do.
 */
public final class Db {
  /** Work inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource pool;
  private final Duration checkout;

  public Db(DataSource pool, Duration checkout) {
    this.pool = pool;
    this.checkout = checkout;
  }

  /**
   * Runs {@code work} in one transaction (committed when it returns, rolled back when it throws).
   *
   * @param doing what the caller was doing, for the error message ("take an approval prompt")
   * @throws FleetUnavailableException when the pool or the database fails
   */
  public <T> T tx(String doing, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is broken; the pool discards it
        }
        throw e;
      }
    } catch (SQLException e) {
      throw unavailable(doing, e);
    }
  }

  /** The typed error for a failure while {@code doing}. */
  public FleetUnavailableException unavailable(String doing, SQLException e) {
    String what = e instanceof SQLTransientConnectionException
        ? "no database connection was free within " + checkout.toMillis() + " ms (the broker's pool stayed busy, or "
            + "PostgreSQL cannot be reached)"
        : "the database failed: " + firstLine(e.getMessage());
    return new FleetUnavailableException("The fleet database could not be used to " + doing + ": " + what + ". "
        + "Leasehold fails closed: nobody was asked and no new lease was handed out; leases already handed out keep "
        + "working until they expire. Check that PostgreSQL runs and this broker reaches it (or raise "
        + "PostgresFleet.builder().maxPoolSize if the pool is too small for the load), then ask again.", e);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** Sends {@code payload} (no secret) on {@code channel} when the transaction commits. */
  public static void notify(Connection c, String channel, String payload) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      st.setString(1, channel);
      st.setString(2, payload);
      st.execute();
    }
  }

  public static Timestamp ts(Instant instant) {
    return Timestamp.from(instant);
  }
}
