package dev.leasehold.fleet;

import java.time.Instant;

/**
 * One prompt per task across processes. For each task, exactly one caller at a time is its <em>asker</em>: it
 * asks the human and then {@linkplain Asking#settle settles} the task; every other caller, in any process,
 * <em>joins</em> and gets the asker's outcome. The rules an implementation keeps:
 *
 * <ul>
 *   <li>of concurrent {@link #claim claims} of one task exactly one returns {@link Asking};</li>
 *   <li>a joined caller gets the asker's outcome, or, when the asker went away without settling (its process
 *       died, its claim expired), becomes an asker itself; it never waits past its deadline;</li>
 *   <li>an issued lease is handed to other processes only so that nobody but the joining process can read it
 *       (never in clear in shared storage), and only until {@link TaskOutcome.Issued#handOutUntil()};</li>
 *   <li>when the shared state cannot be read or written it throws {@link dev.leasehold.FleetUnavailableException}.</li>
 * </ul>
 *
 * <p>Within one process the factory already lets concurrent callers of one task share one flight; the
 * coordinator sees one claim per task per process. Thread-safe.
 */
public interface TaskCoordinator {
  /**
   * Claims {@code task} for the request {@code requestId}, or waits for the asker that holds it.
   *
   * @param deadline the longest this call waits for another asker's outcome; also how long this caller's own
   *     claim holds if it becomes the asker and never settles
   * @return {@link Asking} when this caller asks; {@link Joined} with another asker's outcome
   * @throws dev.leasehold.ApprovalTimedOutException when the deadline passes while waiting
   * @throws dev.leasehold.FleetUnavailableException when the shared state cannot be read or written
   */
  Claim claim(Task task, String requestId, Instant deadline);

  /** The answer of {@link #claim}. */
  sealed interface Claim permits Asking, Joined {}

  /**
   * This caller holds the task: it asks, then calls {@link #settle} once. {@link #close()} without a settle gives
   * the task up (joined callers then claim it themselves). Neither method throws.
   */
  non-sealed interface Asking extends Claim, AutoCloseable {
    /**
     * Publishes the outcome to every caller that joined; an {@link TaskOutcome.Issued} lease is also handed to
     * callers that join later, until its {@code handOutUntil} or {@link #withdraw()}.
     */
    void settle(TaskOutcome outcome);

    /** Stops handing an issued lease to new callers (its session ended early). */
    void withdraw();

    /** Gives the task up unless it was settled. */
    @Override
    void close();
  }

  /**
   * Another asker's outcome.
   *
   * @param outcome what the asker got
   */
  record Joined(TaskOutcome outcome) implements Claim {}
}
