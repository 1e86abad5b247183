package dev.leasehold.approval;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Carries a human's decision from the process that received it to the process that asked, when several
 * processes (the brokers of a fleet) share one approval channel and the channel's transport may deliver an
 * interaction to any of them (Slack spreads a Socket Mode app's interactions across its connections).
 *
 * <p>Two sides use a relay:
 * <ul>
 *   <li>The <b>asking</b> side {@linkplain #announce announces} each request it is waiting on, with the
 *       non-secret facts another process needs to check an interaction against it ({@link RelayedRequest}),
 *       and receives the decisions relayed for it through its {@link Receiver}. It withdraws the
 *       announcement ({@link Announcement#close()}) as soon as the request ends, however it ends.</li>
 *   <li>The <b>receiving</b> side, given an interaction for a request that is not pending locally,
 *       {@linkplain #find finds} the announced request, applies the same checks it applies to its own
 *       requests (only its own allow-listed approvers, the role key typed for production roles, a
 *       well-formed MFA code, the request still pending and within its deadline), and only then
 *       {@linkplain #deliver delivers} the decision.</li>
 * </ul>
 *
 * <p>The rules every implementation enforces:
 * <ul>
 *   <li><b>Bound to the request id.</b> A decision is delivered for exactly one request id and handed only to
 *       the receiver announced under that id; {@link #deliver} refuses a decision whose
 *       {@link Decision#requestId()} is another.</li>
 *   <li><b>The MFA code is never held in clear.</b> An implementation that stores or sends a decision outside
 *       the process encrypts the code to a one-time key that only the announcing process holds (created by
 *       {@link #announce}, never written anywhere), with the request id bound in as context, so that a sealed
 *       code opens only for the request it was typed for. Nothing in clear, no log line, no exception message
 *       and no {@code toString()} carries the code.</li>
 *   <li><b>First decision wins, once.</b> Of several decisions delivered for one request, the first is kept
 *       and the others are answered {@link Delivery#ALREADY_DECIDED}; a receiver that takes a decision
 *       ({@link Receiver#accept} returns true) ends the announcement, and whatever the relay stored for it is
 *       deleted, so replaying an interaction later finds nothing ({@link Delivery#NOT_PENDING}). A decision
 *       the receiver refuses is discarded, and the request stays open for another.</li>
 *   <li><b>Checked again by the asker.</b> The relay does not trust the receiving side: the asking side's
 *       {@link Receiver} checks that the decision answers its own request and comes from an approver on its
 *       own allow-list before it counts. A relay never decides by itself and never turns a failure into an
 *       approval.</li>
 *   <li><b>Bounded.</b> Every call returns within a bounded time; an implementation that cannot reach its
 *       shared store throws {@link ApprovalChannelException} ({@link ApprovalChannelException.Kind#UNAVAILABLE})
 *       and the channel fails closed. Announcements left behind by a process that died expire at their
 *       deadline.</li>
 * </ul>
 *
 * <p>{@link #none()}, the default of every channel, relays nothing: an interaction for a request that is not
 * pending in the process that receives it is ignored, as it was before relays existed.
 *
 * <p>Implementations are thread-safe. Whoever creates a relay closes it (a channel given a relay does not).
 */
public interface DecisionRelay {

  /**
   * The relay that relays nothing: {@link #announce} keeps nothing, {@link #find} finds nothing and
   * {@link #deliver} answers {@link Delivery#NOT_PENDING}.
   *
   * @return the shared no-op relay
   */
  static DecisionRelay none() {
    return NoDecisionRelay.INSTANCE;
  }

  /**
   * Asking side: publishes a request this process is waiting on, so that a decision received elsewhere can
   * reach {@code receiver}.
   *
   * @param request the request's non-secret facts
   * @param receiver called with each decision relayed for {@code request.requestId()}, on a thread of the
   *     relay, until it takes one or the announcement is withdrawn
   * @return the announcement; close it when the request ends (decided here, expired, failed)
   * @throws ApprovalChannelException ({@code UNAVAILABLE}) when the relay cannot publish the request
   */
  Announcement announce(RelayedRequest request, Receiver receiver);

  /**
   * Receiving side: the facts of a request announced by another process that is still waiting for a
   * decision and not past its deadline.
   *
   * @param requestId the id an interaction names (untrusted input)
   * @return the request, or empty when none is pending under that id
   * @throws ApprovalChannelException ({@code UNAVAILABLE}) when the relay cannot be read
   */
  Optional<RelayedRequest> find(String requestId);

  /**
   * Receiving side: relays a decision that passed this process's checks to the process that asked.
   *
   * @param request the request as {@link #find} returned it
   * @param decision an {@link Decision.Approved} or {@link Decision.Denied} bound to {@code request.requestId()}
   * @return whether the decision was relayed, or why not
   * @throws IllegalArgumentException when the decision answers another request, or is {@link Decision.Expired}
   * @throws ApprovalChannelException ({@code UNAVAILABLE}) when the relay cannot be written
   */
  Delivery deliver(RelayedRequest request, Decision decision);

  /** What became of a delivered decision. */
  enum Delivery {
    /** Relayed; the asking process will check it and, if it passes, take it. */
    DELIVERED,
    /** Another decision for the request was relayed first; this one was dropped. */
    ALREADY_DECIDED,
    /** The request is not announced (any more): decided, withdrawn, past its deadline, or never announced. */
    NOT_PENDING
  }

  /** Asking side: takes or refuses the decisions relayed for one announced request. */
  @FunctionalInterface
  interface Receiver {
    /**
     * Checks a relayed decision and, if it passes, makes it the request's decision.
     *
     * @param decision the decision, bound (by the relay) to the announced request id
     * @return true when the decision was taken or the request is already decided (the relay then forgets the
     *     request), false when it was refused (the relay discards it and keeps the request open)
     */
    boolean accept(Decision decision);
  }

  /** Asking side: one announced request. Closing withdraws it; idempotent, never throws. */
  interface Announcement extends AutoCloseable {
    /** Withdraws the request: nothing more is relayed for it and what the relay stored for it is deleted. */
    @Override
    void close();
  }

  /**
   * The non-secret facts of a pending request that a receiving process needs to check an interaction and to
   * show the approver what they are approving. It holds no secret and nothing the agent wrote.
   *
   * @param requestId the request's id
   * @param roleKey the catalog key of the role, which production roles ask the approver to type
   * @param environment the role's environment
   * @param agent the agent's name from the catalog
   * @param digest the request's {@linkplain ApprovalRequest#digest() digest}
   * @param requiresMfa whether an approval must carry an MFA code
   * @param requiresRoleKeyConfirmation whether the approver must type the role key
   * @param conversation where the request was shown (for Slack: the channel id); interactions from elsewhere
   *     do not count
   * @param messageId the message that shows the request (for Slack: its {@code ts})
   * @param deadline when the request expires; no decision is relayed afterwards
   */
  record RelayedRequest(String requestId, String roleKey, String environment, String agent, String digest,
      boolean requiresMfa, boolean requiresRoleKeyConfirmation, String conversation, String messageId,
      Instant deadline) {

    /** Checks that every field is present. */
    public RelayedRequest {
      Objects.requireNonNull(requestId, "requestId == null");
      Objects.requireNonNull(roleKey, "roleKey == null");
      Objects.requireNonNull(environment, "environment == null");
      Objects.requireNonNull(agent, "agent == null");
      Objects.requireNonNull(digest, "digest == null");
      Objects.requireNonNull(conversation, "conversation == null");
      Objects.requireNonNull(messageId, "messageId == null");
      Objects.requireNonNull(deadline, "deadline == null");
      if (requestId.isBlank()) {
        throw new IllegalArgumentException("requestId must not be blank");
      }
    }

    /**
     * The facts of {@code request}, shown as {@code messageId} in {@code conversation} until {@code deadline}.
     *
     * @param request the request
     * @param conversation where it was shown
     * @param messageId the message that shows it
     * @param deadline when it expires
     * @return the facts
     */
    public static RelayedRequest of(ApprovalRequest request, String conversation, String messageId, Instant deadline) {
      return new RelayedRequest(request.id(), request.roleKey(), request.environment(), request.agent(),
          request.digest(), request.requiresMfa(), request.requiresRoleKeyConfirmation(), conversation, messageId,
          deadline);
    }

    /** Whether the role is a production role, which channels must show loudly. */
    public boolean isProduction() {
      return "prod".equalsIgnoreCase(environment) || "production".equalsIgnoreCase(environment);
    }
  }
}
