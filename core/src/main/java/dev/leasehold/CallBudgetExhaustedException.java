package dev.leasehold;

/**
 * A session used up its call budget (total or mutating calls) or its call rate. A runaway loop
 * stops here. Open a new session for more work; a human approves it again.
 */
public class CallBudgetExhaustedException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   */
  public CallBudgetExhaustedException(String message) {
    super(message);
  }
}
