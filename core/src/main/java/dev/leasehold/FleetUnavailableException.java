package dev.leasehold;

/**
 * The fleet's shared state (the PostgreSQL database that brokers coordinate through) could not be read or
 * written in time: the database is down or unreachable, its connection pool stayed exhausted past its
 * deadline, or its schema does not match this broker. Leasehold fails closed: no human was asked and no
 * lease was handed out by this call, and no audit record was dropped. Leases already handed out keep
 * working until they expire. Check the database and the broker's connection settings, then ask again.
 */
public class FleetUnavailableException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets (never a password or a JDBC URL's credentials)
   * @param cause the underlying failure, or null
   */
  public FleetUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
