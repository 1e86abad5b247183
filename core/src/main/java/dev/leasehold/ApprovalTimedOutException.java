package dev.leasehold;

/**
 * No human decided before the approval deadline. Nothing reached AWS. Ask again only if the task
 * is still needed; a human may simply be away.
 */
public class ApprovalTimedOutException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   */
  public ApprovalTimedOutException(String message) {
    super(message);
  }
}
