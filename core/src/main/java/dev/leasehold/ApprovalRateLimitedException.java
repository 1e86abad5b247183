package dev.leasehold;

/**
 * Too many approval prompts for one role in a short time. Leasehold refuses to prompt again so that a
 * looping or hijacked agent cannot wear a human down into approving (MFA fatigue). Wait, or batch the
 * work into one request.
 */
public class ApprovalRateLimitedException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   */
  public ApprovalRateLimitedException(String message) {
    super(message);
  }
}
