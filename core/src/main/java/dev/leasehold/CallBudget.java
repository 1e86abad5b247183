package dev.leasehold;

/**
 * How much one session may do: at most {@code maxCalls} AWS calls, of which at most
 * {@code maxMutatingCalls} may change anything (anything but Get, List, Describe, Head and similar
 * reads), at no more than {@code callsPerSecond}. A session that exhausts any of them refuses further
 * calls with {@link CallBudgetExhaustedException}; a runaway loop stops there.
 *
 * @param maxCalls calls per session, at least 1
 * @param maxMutatingCalls mutating calls per session, 0 to {@code maxCalls}
 * @param callsPerSecond sustained call rate, at least 1
 */
public record CallBudget(long maxCalls, long maxMutatingCalls, int callsPerSecond) {
  /** 1,000 calls, 100 of them mutating, 50 per second. */
  public static final CallBudget DEFAULTS = new CallBudget(1_000, 100, 50);

  /** Validates the budget. */
  public CallBudget {
    if (maxCalls < 1) {
      throw new IllegalArgumentException("maxCalls must be at least 1, was " + maxCalls);
    }
    if (maxMutatingCalls < 0 || maxMutatingCalls > maxCalls) {
      throw new IllegalArgumentException("maxMutatingCalls must be between 0 and maxCalls (" + maxCalls + "), was " + maxMutatingCalls);
    }
    if (callsPerSecond < 1) {
      throw new IllegalArgumentException("callsPerSecond must be at least 1, was " + callsPerSecond);
    }
  }
}
