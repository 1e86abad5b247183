package dev.leasehold.approval;

/**
 * A channel could not ask a human: it is misconfigured, or its transport failed after bounded retries.
 *
 * <p>This is never how a denial is reported (a denial is a normal {@link Decision.Denied}). Leasehold treats
 * this exception as "not approved", counts it against the channel's circuit breaker and fails the
 * request. Messages must say what to fix and must never carry a token, code or other secret.
 */
public class ApprovalChannelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, so callers can tell a setting to fix from a transient outage. */
  public enum Kind {
    /** A setting is missing or wrong; retrying will not help until it is fixed. */
    CONFIGURATION,
    /** The channel's transport failed (network, remote service); it may work later. */
    UNAVAILABLE
  }

  private final Kind kind;

  /**
   * Creates the exception.
   *
   * @param kind whether the failure is a configuration error or an outage
   * @param message what happened and what to do; no secrets
   */
  public ApprovalChannelException(Kind kind, String message) {
    super(message);
    this.kind = java.util.Objects.requireNonNull(kind, "kind == null");
  }

  /**
   * Creates the exception with a cause.
   *
   * @param kind whether the failure is a configuration error or an outage
   * @param message what happened and what to do; no secrets
   * @param cause the underlying failure (its message must not carry secrets either)
   */
  public ApprovalChannelException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = java.util.Objects.requireNonNull(kind, "kind == null");
  }

  /** Whether this is a configuration error or an outage. */
  public Kind kind() {
    return kind;
  }
}
