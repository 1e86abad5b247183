package dev.leasehold.approval.slack.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.DecisionRelay;
import dev.leasehold.approval.MfaCode;
import dev.leasehold.approval.slack.internal.SocketModeLink.Reply;
import dev.leasehold.approval.slack.internal.SlackWebApi.Posted;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack approval channel's behaviour: posts a request, turns interactions into one decision, and
 * writes the outcome back to the message.
 *
 * <p>The rules, all enforced here: a decision comes only from a configured approver (others get an
 * ephemeral refusal and the request stays pending); it applies only to the request whose id is in the
 * button's value or the modal's {@code private_metadata}, and only while that request is pending, so
 * stale, replayed and duplicated interactions change nothing; the first decision wins, atomically, against
 * the deadline and against {@link #close()}; an approval of a request that
 * {@linkplain ApprovalRequest#requiresMfa() needs MFA} carries a well-formed code, and one that
 * {@linkplain ApprovalRequest#requiresRoleKeyConfirmation() needs the role key} was confirmed with it.
 * The code is never logged or written to Slack.
 *
 * <p>With a {@link DecisionRelay} (a broker of a fleet), a posted request is also announced on the relay and
 * withdrawn when it ends; if it cannot be announced, it is withdrawn at once and {@code decide} fails closed.
 * An interaction for a request that is not pending here is looked up on the relay and held to the same rules
 * with this channel's own settings (its approvers, the role key, the code's form, the deadline, the message
 * that shows the request) before the decision is relayed; the modal is opened here, with this interaction's
 * trigger id. A decision relayed to this broker counts only if it answers the request and comes from one of
 * this channel's approvers; an approval without an MFA code is neither relayed nor taken from the relay.
 *
 * <p>Thread-safe: {@link #decide} may be called concurrently for different requests. The Slack connection
 * is opened by the first {@code decide} and kept until {@link #close()}, which its owner must call.
 */
public final class SlackApprovalEngine implements AutoCloseable {

  /** How often a waiting {@code decide} looks at the clock. */
  static final Duration POLL = Duration.ofMillis(100);
  /** How long {@link #close()} waits for outcomes, "expired" among them, to be written to Slack. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

  private static final Logger LOG = LoggerFactory.getLogger(SlackApprovalEngine.class);
  private static final String REFUSAL = "Only the approvers configured for Leasehold can decide on AWS role "
      + "requests. This request is still pending.";
  private static final String NOT_RELAYED_WITHOUT_MFA = "This request was posted by another Leasehold broker and "
      + "its role needs no MFA code; approvals without a code are not passed between brokers. The request is "
      + "still pending: it can be approved only where it was posted.";
  private static final String RELAY_FAILED = "Leasehold could not pass your decision to the broker that posted "
      + "this request (its fleet database could not be reached). The request is still pending; try again.";

  private final Settings settings;
  private final ConcurrentMap<String, Pending> pending = new ConcurrentHashMap<>();
  /** Writes outcomes to Slack after {@code decide} has returned, so a slow update never delays one. */
  private final ExecutorService outcomes = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "leasehold-slack-outcomes");
    thread.setDaemon(true);
    return thread;
  });
  private final Object lock = new Object();
  private volatile SlackWebApi api; // written under lock
  private SocketModeLink link; // guarded by lock
  private boolean closed; // guarded by lock

  /** Creates the engine; nothing connects until the first {@link #decide}. */
  public SlackApprovalEngine(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
  }

  /** A request waiting for its decision. */
  private static final class Pending {
    final ApprovalRequest request;
    final Instant deadline;
    final Set<String> approvers;
    final CompletableFuture<Decision> decision = new CompletableFuture<>();
    volatile Posted message;
    volatile boolean closedByChannel;
    volatile boolean unshared;

    Pending(ApprovalRequest request, Instant deadline, Set<String> approvers) {
      this.request = request;
      this.deadline = deadline;
      this.approvers = approvers;
    }

    boolean decide(Decision decision) {
      return this.decision.complete(decision);
    }
  }

  /** Opens the Socket Mode connection now, so that interactions for other brokers' requests arrive. */
  public void connect() {
    start();
  }

  /**
   * Asks the configured channel and waits until an approver decides or the deadline passes.
   *
   * @see dev.leasehold.approval.ApprovalChannel#decide(ApprovalRequest)
   * @throws IllegalStateException when the engine is closed, or a call for the same request id is pending
   */
  public Decision decide(ApprovalRequest request) {
    Objects.requireNonNull(request, "request == null");
    Instant now = settings.clock().instant();
    Instant deadline = min(request.decideBy(), now.plus(settings.timeout()));
    if (!now.isBefore(deadline)) {
      LOG.info("Slack approval request {} expired before it was asked", request.id());
      return new Decision.Expired(request.id());
    }
    SlackWebApi api = start();
    Pending waiting = new Pending(request, deadline, approvers(api, deadline));
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("This Slack approval channel is closed");
      }
      if (pending.putIfAbsent(request.id(), waiting) != null) {
        throw new IllegalStateException("Request " + request.id() + " is already waiting for a decision");
      }
    }
    DecisionRelay.Announcement announcement = null;
    try {
      if (!waiting.decision.isDone()) {
        waiting.message = api.postMessage(ApprovalMessages.notification(request),
            ApprovalMessages.request(request, deadline), deadline);
        LOG.info("Asked Slack channel {} to approve request {} (role {}, digest {})",
            waiting.message.channelId(), request.id(), request.roleKey(), request.digest());
        announcement = announce(api, waiting);
      }
      Decision decision = await(waiting);
      withdraw(announcement, request.id());
      announcement = null;
      report(api, waiting, decision);
      return decision;
    } finally {
      withdraw(announcement, request.id());
      pending.remove(request.id(), waiting);
    }
  }

  /**
   * Announces a posted request on the relay, so that a decision another broker receives reaches it. If the
   * relay fails, the request is withdrawn (fail closed): the message says so and the call throws.
   */
  private DecisionRelay.Announcement announce(SlackWebApi api, Pending waiting) {
    DecisionRelay relay = settings.relay();
    if (relay == DecisionRelay.none()) {
      return null;
    }
    try {
      return relay.announce(DecisionRelay.RelayedRequest.of(waiting.request, waiting.message.channelId(),
          waiting.message.ts(), waiting.deadline), decision -> relayed(waiting, decision));
    } catch (RuntimeException e) {
      waiting.unshared = true;
      waiting.decide(new Decision.Expired(waiting.request.id()));
      report(api, waiting, waiting.decision.join());
      throw e instanceof ApprovalChannelException ace ? ace : SlackErrors.unavailable("Could not share request "
          + waiting.request.id() + " with the other brokers of the fleet (" + e.getClass().getSimpleName()
          + "); it was withdrawn. Check the fleet database and ask again.", null);
    }
  }

  private static void withdraw(DecisionRelay.Announcement announcement, String requestId) {
    if (announcement == null) {
      return;
    }
    try {
      announcement.close();
    } catch (RuntimeException e) {
      LOG.warn("Could not withdraw request {} from the fleet ({}); it expires at its deadline", requestId,
          e.getClass().getSimpleName());
    }
  }

  /**
   * The asking broker's check of a decision another broker relayed: it must answer this request, come from
   * one of this channel's approvers, and (an approval) carry the code the request needs. An approval without
   * a code is never taken from the relay.
   */
  private boolean relayed(Pending waiting, Decision decision) {
    ApprovalRequest request = waiting.request;
    if (!request.id().equals(decision.requestId())) {
      LOG.warn("Refused a relayed decision for request {}: it answers another request", request.id());
      return false;
    }
    String approver = decision instanceof Decision.Approved a ? a.approver()
        : decision instanceof Decision.Denied d ? d.approver() : null;
    if (approver == null || !waiting.approvers.contains(approver)) {
      LOG.warn("Refused a relayed decision on request {} from {}, who is not an approver of this broker",
          request.id(), approver);
      return false;
    }
    if (decision instanceof Decision.Approved a && (!request.requiresMfa() || a.mfaCode().isEmpty())) {
      LOG.warn("Refused a relayed approval of request {}: only approvals that carry an MFA code are taken "
          + "from another broker", request.id());
      return false;
    }
    if (waiting.decide(decision)) {
      LOG.info("Slack approval request {} was decided through another broker of the fleet", request.id());
    }
    return true;
  }

  private SlackWebApi start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("This Slack approval channel is closed");
      }
      if (api == null) {
        api = new SlackWebApi(settings);
      }
      if (link == null) {
        link = SocketModeLink.open(api, settings.appToken(), this::handle);
      }
      return api;
    }
  }

  private Set<String> approvers(SlackWebApi api, Instant deadline) {
    Set<String> approvers = new HashSet<>(settings.approverUsers());
    for (String group : settings.approverGroups()) {
      approvers.addAll(api.usergroupMembers(group, deadline));
    }
    return Set.copyOf(approvers);
  }

  private Decision await(Pending waiting) {
    while (true) {
      Duration left = Duration.between(settings.clock().instant(), waiting.deadline);
      if (left.isNegative() || left.isZero()) {
        waiting.decide(new Decision.Expired(waiting.request.id()));
        return waiting.decision.join(); // a decision that won the race still counts
      }
      try {
        return waiting.decision.get(Math.min(left.toMillis(), POLL.toMillis()) + 1, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // look at the clock again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        waiting.decide(new Decision.Expired(waiting.request.id()));
        return waiting.decision.join();
      } catch (ExecutionException e) {
        throw new IllegalStateException("decisions are never completed exceptionally", e);
      }
    }
  }

  /**
   * Logs the outcome and queues the message update; the update (which may be retried) happens after
   * {@code decide} returned, and a failed update does not change the decision.
   */
  private void report(SlackWebApi api, Pending waiting, Decision decision) {
    Instant at = settings.clock().instant();
    String id = waiting.request.id();
    String outcome;
    if (decision instanceof Decision.Approved approved) {
      LOG.info("Slack approval request {} approved by {}", id, approved.approver());
      outcome = ApprovalMessages.approved(approved.approver(), at);
    } else if (decision instanceof Decision.Denied denied) {
      LOG.info("Slack approval request {} denied by {}", id, denied.approver());
      outcome = ApprovalMessages.denied(denied.approver(), at);
    } else {
      LOG.info("Slack approval request {} expired", id);
      outcome = waiting.unshared ? ApprovalMessages.unshared(at)
          : ApprovalMessages.expired(at, waiting.closedByChannel);
    }
    Posted message = waiting.message;
    if (message == null) {
      return;
    }
    try {
      outcomes.execute(() -> {
        try {
          api.update(message, ApprovalMessages.notification(waiting.request),
              ApprovalMessages.outcome(waiting.request, waiting.deadline, outcome));
        } catch (ApprovalChannelException e) {
          LOG.warn("Could not write the outcome of request {} to Slack: {}", id, e.getMessage());
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.warn("The outcome of request {} was not written to Slack: the channel is closed", id);
    }
  }

  // ---- interactions, on the Socket Mode thread ----

  private Reply handle(JsonObject payload) {
    String type = string(payload, "type");
    if ("block_actions".equals(type)) {
      return onButton(payload);
    }
    if ("view_submission".equals(type)) {
      return onSubmission(payload);
    }
    return Reply.ACK;
  }

  private Reply onButton(JsonObject payload) {
    JsonElement actions = payload.get("actions");
    if (actions == null || !actions.isJsonArray() || ((JsonArray) actions).isEmpty()
        || !((JsonArray) actions).get(0).isJsonObject()) {
      return Reply.ACK;
    }
    JsonObject action = ((JsonArray) actions).get(0).getAsJsonObject();
    String actionId = string(action, "action_id");
    String user = string(object(payload, "user"), "id");
    String requestId = string(action, "value");
    String channelId = string(object(payload, "channel"), "id");
    Pending waiting = local(requestId, user);
    if (waiting == null && user != null && requestId != null) {
      return onRelayedButton(payload, actionId, user, requestId, channelId);
    }
    if (waiting == null) {
      ignored(user, requestId);
      return Reply.ACK;
    }
    if (!waiting.message.channelId().equals(channelId)) {
      return Reply.ACK; // a copy of the message in another channel
    }
    if (!waiting.approvers.contains(user)) {
      return new Reply(null, () -> refuse(waiting, user));
    }
    String id = waiting.request.id();
    if (ApprovalMessages.APPROVE.equals(actionId)) {
      String triggerId = string(payload, "trigger_id");
      return new Reply(null, () -> api.openView(triggerId, ApprovalMessages.approvalModal(waiting.request)));
    }
    if (ApprovalMessages.DENY.equals(actionId)) {
      waiting.decide(new Decision.Denied(id, user, ""));
    }
    return Reply.ACK;
  }

  private Reply onSubmission(JsonObject payload) {
    JsonObject view = object(payload, "view");
    if (!ApprovalMessages.MODAL.equals(string(view, "callback_id"))) {
      return Reply.ACK;
    }
    String user = string(object(payload, "user"), "id");
    String requestId = string(view, "private_metadata");
    Pending waiting = local(requestId, user);
    if (waiting == null && user != null && requestId != null) {
      return onRelayedSubmission(view, user, requestId);
    }
    if (waiting == null) {
      ignored(user, requestId);
      return Reply.ACK;
    }
    if (!waiting.approvers.contains(user)) {
      return new Reply(null, () -> refuse(waiting, user));
    }
    ApprovalRequest request = waiting.request;
    JsonObject errors = formErrors(view, DecisionRelay.RelayedRequest.of(request, "", "", waiting.deadline));
    if (errors != null) {
      return new Reply(errors, () -> { });
    }
    waiting.decide(request.requiresMfa()
        ? Decision.Approved.withCode(request.id(), user, MfaCode.of(code(view)))
        : Decision.Approved.withoutCode(request.id(), user));
    return Reply.ACK;
  }

  /** The modal's field errors as a {@code response_action: errors} ack, or null when the fields are right. */
  private static JsonObject formErrors(JsonObject view, DecisionRelay.RelayedRequest request) {
    JsonObject values = object(object(view, "state"), "values");
    String roleKey = strip(string(object(object(values, ApprovalMessages.ROLE_KEY_BLOCK),
        ApprovalMessages.ROLE_KEY_INPUT), "value"));
    JsonObject errors = new JsonObject();
    if (request.requiresRoleKeyConfirmation() && !request.roleKey().equals(roleKey)) {
      errors.addProperty(ApprovalMessages.ROLE_KEY_BLOCK,
          "This is not the role key of this request; type it exactly as the message shows it.");
    }
    if (request.requiresMfa() && !MfaCode.isWellFormed(code(view))) {
      errors.addProperty(ApprovalMessages.MFA_BLOCK, "Type the 6-digit code, digits only.");
    }
    if (errors.size() == 0) {
      return null;
    }
    JsonObject ack = new JsonObject();
    ack.addProperty("response_action", "errors");
    ack.add("errors", errors);
    return ack;
  }

  private static String code(JsonObject view) {
    JsonObject values = object(object(view, "state"), "values");
    return strip(string(object(object(values, ApprovalMessages.MFA_BLOCK), ApprovalMessages.MFA_INPUT), "value"));
  }

  /** The request pending in this process that an interaction names, or null. */
  private Pending local(String requestId, String user) {
    Pending waiting = requestId == null ? null : pending.get(requestId);
    if (waiting == null || waiting.decision.isDone() || waiting.message == null || user == null) {
      return null;
    }
    return waiting;
  }

  private static void ignored(String user, String requestId) {
    LOG.info("Ignored a Slack interaction from {} for request {}, which is not pending", user, requestId);
  }

  private void refuse(Pending waiting, String user) {
    refuse(waiting.message.channelId(), waiting.request.id(), user);
  }

  private void refuse(String channelId, String requestId, String user) {
    LOG.info("Refused a decision on request {} from {}, who is not an approver", requestId, user);
    api.postEphemeral(channelId, user, REFUSAL);
  }

  // ---- interactions for requests another broker of the fleet posted ----

  /**
   * The request another broker announced under {@code requestId}, if it is still pending here too (before
   * this channel's deadline); null otherwise. A relay that cannot be read counts as nothing pending.
   */
  private DecisionRelay.RelayedRequest relayedRequest(String requestId, String user) {
    DecisionRelay relay = settings.relay();
    if (relay == DecisionRelay.none()) {
      ignored(user, requestId);
      return null;
    }
    DecisionRelay.RelayedRequest request;
    try {
      request = relay.find(requestId).orElse(null);
    } catch (RuntimeException e) {
      LOG.warn("Ignored a Slack interaction from {} for request {}: the fleet could not be asked about it ({})",
          user, requestId, e instanceof ApprovalChannelException ? e.getMessage() : e.getClass().getSimpleName());
      return null;
    }
    if (request == null || !request.requestId().equals(requestId)
        || !settings.clock().instant().isBefore(request.deadline())) {
      ignored(user, requestId);
      return null;
    }
    return request;
  }

  private Reply onRelayedButton(JsonObject payload, String actionId, String user, String requestId,
      String channelId) {
    if (!ApprovalMessages.APPROVE.equals(actionId) && !ApprovalMessages.DENY.equals(actionId)) {
      return Reply.ACK;
    }
    DecisionRelay.RelayedRequest request = relayedRequest(requestId, user);
    if (request == null) {
      return Reply.ACK;
    }
    String messageTs = string(object(payload, "container"), "message_ts");
    if (messageTs == null) {
      messageTs = string(object(payload, "message"), "ts");
    }
    if (!request.conversation().equals(channelId) || !request.messageId().equals(messageTs)) {
      LOG.info("Ignored a Slack interaction from {} for request {}: not on the message that shows it", user,
          requestId);
      return Reply.ACK;
    }
    if (ApprovalMessages.APPROVE.equals(actionId)) {
      String triggerId = string(payload, "trigger_id");
      return new Reply(null, () -> {
        if (!isApprover(user)) {
          refuse(channelId, requestId, user);
        } else if (!request.requiresMfa()) {
          LOG.info("Did not open the approval of request {} for {}: it needs no MFA code and was posted by "
              + "another broker", requestId, user);
          api.postEphemeral(channelId, user, NOT_RELAYED_WITHOUT_MFA);
        } else {
          api.openView(triggerId, ApprovalMessages.approvalModal(request));
        }
      });
    }
    return new Reply(null, () -> {
      if (isApprover(user)) {
        relay(request, new Decision.Denied(requestId, user, ""), user);
      } else {
        refuse(channelId, requestId, user);
      }
    });
  }

  private Reply onRelayedSubmission(JsonObject view, String user, String requestId) {
    DecisionRelay.RelayedRequest request = relayedRequest(requestId, user);
    if (request == null) {
      return Reply.ACK;
    }
    if (!settings.approverUsers().contains(user) && settings.approverGroups().isEmpty()) {
      return new Reply(null, () -> refuse(request.conversation(), requestId, user));
    }
    JsonObject errors = formErrors(view, request);
    if (errors != null) {
      return new Reply(errors, () -> { });
    }
    if (!request.requiresMfa()) {
      return new Reply(null, () -> api.postEphemeral(request.conversation(), user, NOT_RELAYED_WITHOUT_MFA));
    }
    MfaCode code = MfaCode.of(code(view));
    return new Reply(null, () -> {
      if (isApprover(user)) {
        relay(request, Decision.Approved.withCode(requestId, user, code), user);
      } else {
        refuse(request.conversation(), requestId, user);
      }
    });
  }

  /** Whether {@code user} is one of this channel's approvers, looking user groups up now. */
  private boolean isApprover(String user) {
    if (settings.approverUsers().contains(user)) {
      return true;
    }
    for (String group : settings.approverGroups()) {
      if (api.usergroupMembers(group, null).contains(user)) {
        return true;
      }
    }
    return false;
  }

  /** Hands a checked decision to the relay; on the follow-up thread. */
  private void relay(DecisionRelay.RelayedRequest request, Decision decision, String user) {
    DecisionRelay.Delivery delivery;
    try {
      delivery = settings.relay().deliver(request, decision);
    } catch (RuntimeException e) {
      LOG.warn("Could not relay the decision of {} on request {} to the broker that posted it ({})", user,
          request.requestId(), e instanceof ApprovalChannelException ? e.getMessage() : e.getClass().getSimpleName());
      api.postEphemeral(request.conversation(), user, RELAY_FAILED);
      return;
    }
    if (delivery == DecisionRelay.Delivery.DELIVERED) {
      LOG.info("Relayed the {} of request {} by {} to the broker that posted it",
          decision instanceof Decision.Approved ? "approval" : "denial", request.requestId(), user);
    } else {
      LOG.info("Ignored a Slack interaction from {} for request {}, which is not pending ({})", user,
          request.requestId(), delivery == DecisionRelay.Delivery.ALREADY_DECIDED ? "already decided" : "gone");
    }
  }

  private static JsonObject object(JsonObject parent, String key) {
    JsonElement value = parent == null ? null : parent.get(key);
    return value != null && value.isJsonObject() ? value.getAsJsonObject() : null;
  }

  private static String string(JsonObject parent, String key) {
    JsonElement value = parent == null ? null : parent.get(key);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
  }

  private static String strip(String value) {
    return value == null ? null : value.strip();
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * Disconnects from Slack; pending {@code decide} calls return {@link Decision.Expired}, and outcomes not
   * yet written to Slack get a bounded grace ({@link #CLOSE_GRACE}). Idempotent; never throws.
   */
  @Override
  public void close() {
    SocketModeLink closingLink;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      closingLink = link;
      link = null;
    }
    if (closingLink != null) {
      closingLink.close();
    }
    for (Pending waiting : pending.values()) {
      waiting.closedByChannel = true;
      waiting.decide(new Decision.Expired(waiting.request.id()));
    }
    long graceEnd = System.nanoTime() + CLOSE_GRACE.toNanos();
    try {
      while (!pending.isEmpty() && System.nanoTime() < graceEnd) {
        Thread.sleep(10); // the expired calls return at once and queue their updates
      }
      outcomes.shutdown();
      if (!outcomes.awaitTermination(Math.max(0, graceEnd - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        LOG.warn("Closed before every outcome was written to Slack");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    outcomes.shutdownNow();
    SlackWebApi closingApi = api;
    if (closingApi != null) {
      closingApi.close();
    }
  }
}
