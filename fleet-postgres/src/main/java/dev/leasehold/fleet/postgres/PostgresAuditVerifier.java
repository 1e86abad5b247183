package dev.leasehold.fleet.postgres;

import dev.leasehold.FleetUnavailableException;
import dev.leasehold.audit.AuditCheckpoint;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.audit.AuditVerifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Checks the fleet's audit chain in {@code leasehold.audit_records} with exactly the checks {@link AuditVerifier}
 * makes on a file (it is the same code, fed the rows in {@code seq} order): every record's hash, sequence
 * number and link to the record before; with the fleet's {@link AuditKey} every record's MAC, so that
 * whoever lacks the key (a database administrator included) cannot edit, delete, insert or re-chain a record
 * unnoticed; with an {@link AuditCheckpoint} kept elsewhere, that no records were cut off the end. {@link
 * AuditVerification#firstBadLine()} is the position of the first bad record, which is the sequence number it
 * should have had.
 *
 * <p>Reads in one read-only repeatable-read transaction (a consistent snapshot while brokers keep appending),
 * streaming rows in pages, so it needs only SELECT on the table. Thread-safe (stateless).
 */
public final class PostgresAuditVerifier {
  private static final int FETCH_SIZE = 1_000;

  private PostgresAuditVerifier() {}

  /**
   * Verifies the chain through {@code connection} (which the caller closes; its auto-commit, isolation and
   * read-only settings are changed for the check and restored afterwards).
   *
   * @param connection a connection to the fleet's database
   * @param key the fleet's audit key, or null to check hashes, sequence and chain only
   * @param checkpoint a checkpoint the chain must reach, or null
   * @throws FleetUnavailableException when the table cannot be read (no fleet schema, no SELECT grant, the
   *     database went away)
   */
  public static AuditVerification verify(Connection connection, AuditKey key, AuditCheckpoint checkpoint) {
    Objects.requireNonNull(connection, "connection == null");
    try {
      boolean autoCommit = connection.getAutoCommit();
      int isolation = connection.getTransactionIsolation();
      boolean readOnly = connection.isReadOnly();
      connection.setAutoCommit(false); // the driver streams by fetch size only inside a transaction
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
      try (PreparedStatement st = connection.prepareStatement(
          "SELECT seq, record FROM leasehold.audit_records ORDER BY seq")) {
        st.setFetchSize(FETCH_SIZE);
        try (ResultSet rs = st.executeQuery()) {
          return AuditVerifier.verifyRecords(new Rows(rs), key, checkpoint);
        }
      } finally {
        connection.rollback();
        connection.setReadOnly(readOnly);
        connection.setTransactionIsolation(isolation);
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw unreadable(e);
    }
  }

  private static FleetUnavailableException unreadable(SQLException e) {
    return new FleetUnavailableException("Could not read the fleet's audit chain (leasehold.audit_records): "
        + e.getMessage() + " [SQLState " + e.getSQLState() + "]. Check the URL, that the fleet schema is migrated, "
        + "and that the role may SELECT from the table.", e);
  }

  /** The rows' record texts, in order. */
  private static final class Rows implements Iterator<String> {
    private final ResultSet rs;
    private Boolean ahead;

    Rows(ResultSet rs) {
      this.rs = rs;
    }

    @Override
    public boolean hasNext() {
      if (ahead == null) {
        try {
          ahead = rs.next();
        } catch (SQLException e) {
          throw unreadable(e);
        }
      }
      return ahead;
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ahead = null;
      try {
        return rs.getString(2);
      } catch (SQLException e) {
        throw unreadable(e);
      }
    }
  }
}
