package dev.leasehold.approval;

/**
 * A way to ask a human whether an agent may assume a role.
 *
 * <p>The rule this type enforces: <b>only a human decides</b>. {@link #decide(ApprovalRequest)} blocks
 * until a person approves or denies, or until {@link ApprovalRequest#decideBy()} passes, in which case it
 * returns {@link Decision.Expired}. An implementation must never approve by default, on error, or when no
 * human can be reached: it returns {@code Expired}, {@code Denied}, or throws
 * {@link ApprovalChannelException}.
 *
 * <p>The returned decision must carry the id of the request it answers ({@link Decision#requestId()});
 * Leasehold rejects a decision bound to another id. An {@link Decision.Approved} for a request with
 * {@link ApprovalRequest#requiresMfa()} must carry the six-digit code the human typed, and for a request
 * with {@link ApprovalRequest#requiresRoleKeyConfirmation()} the channel must have made the human type the
 * role key before approving.
 *
 * <p>Thread-safety: implementations must accept concurrent calls to {@code decide}; they may serve them
 * one at a time (a terminal asks one question at a time) as long as each call still honours its own
 * deadline. Whoever created the channel closes it; {@link #close()} releases terminals, sockets and
 * threads, and must not throw.
 */
public interface ApprovalChannel extends AutoCloseable {

  /**
   * Asks a human to decide on {@code request} and waits for the answer.
   *
   * @param request what the agent asks for; never null
   * @return the human's decision, bound to {@code request.id()}; {@link Decision.Expired} once the
   *     request's deadline has passed without a decision
   * @throws ApprovalChannelException when the channel cannot reach a human at all (misconfiguration,
   *     network failure after bounded retries); never used to signal a denial
   */
  Decision decide(ApprovalRequest request);

  /**
   * Releases the channel's resources. Pending {@code decide} calls return {@code Expired}; later calls
   * return {@code Expired} or throw {@link IllegalStateException}, and never approve.
   */
  @Override
  void close();
}
