package dev.leasehold;

/**
 * The audit trail could not record an event. Leasehold fails closed: no audit record, no session and
 * no call. Fix the audit sink (disk full, permissions) before retrying.
 */
public class AuditFailureException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   * @param cause the underlying failure, or null
   */
  public AuditFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
