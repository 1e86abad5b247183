package dev.leasehold;

/**
 * The approval channel could not ask a human: it is misconfigured, failing, its circuit breaker is
 * open after repeated failures, or it returned an answer that does not fit the request. Nothing reached
 * AWS and nothing was approved. Fix the channel.
 */
public class ApprovalUnavailableException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   * @param cause the underlying failure, or null
   */
  public ApprovalUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
