package dev.leasehold.audit;

import dev.leasehold.LeaseholdException;

/**
 * An audit log or its key cannot be used as configured: a key file that others can read, a key that is
 * too short, a log written with another key (or without one), a log whose last record is damaged, or a
 * log that another writer kept locked past the deadline. The message says what to do; it never holds key
 * material. Thrown while opening a sink or loading a key, and by {@link JsonLinesAuditSink#record} (where
 * Leasehold turns it into a closed failure of the request).
 */
public class AuditLogException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; never key material
   */
  public AuditLogException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what happened and what to do; never key material
   * @param cause the underlying failure
   */
  public AuditLogException(String message, Throwable cause) {
    super(message, cause);
  }
}
