package dev.leasehold.approval.slack;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.DecisionRelay;
import dev.leasehold.approval.slack.internal.Settings;
import dev.leasehold.approval.slack.internal.SlackApprovalEngine;
import dev.leasehold.approval.slack.internal.Sleeper;
import dev.leasehold.approval.slack.internal.SlackToken;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Asks a Slack channel to approve AWS role leases, receiving the answers over Socket Mode, so an agent
 * runtime needs no public HTTP endpoint.
 *
 * <pre>{@code
 * try (SlackApprovalChannel slack = SlackApprovalChannel.builder()
 *     .botToken(secrets.get("slack-bot-token"))      // xoxb-...
 *     .appToken(secrets.get("slack-app-token"))      // xapp-..., connections:write
 *     .channel("C0123456789")
 *     .approvers(List.of("U0AAAAAAA", "S0BBBBBBB")) // users and/or user groups
 *     .build()) {
 *   Decision decision = slack.decide(request);
 * }
 * }</pre>
 *
 * <p>The rule it enforces: only a configured approver decides, and only by a deliberate act in Slack.
 * {@link #decide(ApprovalRequest)} posts the request (environment, role key and ARN, the agent's reason
 * and intent shown inert, lease length, request id and digest, deadline) with Approve and Deny buttons.
 * Approve opens a modal that asks for the six-digit MFA code (when the request requires MFA) and, for
 * production roles, the role key; Deny decides at once, with an empty note, so that refusing never takes
 * more steps than approving. Anyone else who clicks gets a message only they see, and the request stays
 * pending. A click or submission counts only for the request id it carries and only while that request is
 * pending. The message is then updated with the outcome, the approver and the time, never the code. When
 * the deadline (the request's {@code decideBy}, or the {@linkplain Builder#timeout(Duration) timeout} if
 * that comes first) passes, the message says so and {@link Decision.Expired} is returned.
 *
 * <p>Nothing connects when the channel is built. The first {@code decide} opens the Socket Mode connection
 * and fails with {@link ApprovalChannelException} ({@code CONFIGURATION}) when Slack rejects a token, the
 * channel or a scope, or ({@code UNAVAILABLE}) when Slack cannot be reached after bounded retries. The
 * connection then stays open, and is renewed when Slack asks or drops it, until {@link #close()}.
 *
 * <p>In a fleet of brokers sharing one Slack app, Slack hands each interaction to any of the app's
 * connections. With a {@linkplain Builder#decisionRelay(DecisionRelay) decision relay}, each posted request is
 * announced on the relay; a broker that receives a click for a request another broker posted checks it with
 * its own settings (approvers, role key, code, deadline), opens the modal itself, and relays the decision
 * (the MFA code encrypted to the asking broker) to the broker that asked, which checks the approver against
 * its own approvers again before the decision counts. An approval without an MFA code (a role that needs
 * none) is never relayed: approve such requests where they were posted, or give such roles MFA.
 *
 * <p>Thread-safe: {@code decide} may be called concurrently for different requests. Whoever builds the
 * channel closes it; {@code close()} disconnects, stops every thread the channel started, makes pending
 * {@code decide} calls return {@code Expired}, and never throws. Tokens are never shown by
 * {@code toString()}, logs or exception messages.
 */
public final class SlackApprovalChannel implements ApprovalChannel {

  /** The default longest wait for one decision, when the request's own deadline is later. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  /** The default Slack Web API base URL. */
  public static final String DEFAULT_API_URL = "https://slack.com/api/";

  private final Settings settings;
  private final SlackApprovalEngine engine;

  private SlackApprovalChannel(Settings settings) {
    this.settings = settings;
    this.engine = new SlackApprovalEngine(settings);
  }

  /**
   * Starts a channel's settings.
   *
   * @return a builder with the defaults: {@link #DEFAULT_TIMEOUT}, {@link #DEFAULT_API_URL}, the UTC
   *     system clock
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Copies this channel's settings, to build another channel that differs in some.
   *
   * @return a builder holding this channel's settings, tokens included (still redacted)
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.botToken = settings.botToken();
    builder.appToken = settings.appToken();
    builder.channel = settings.channel();
    builder.approverUsers = settings.approverUsers();
    builder.approverGroups = settings.approverGroups();
    builder.timeout = settings.timeout();
    builder.apiUrl = settings.apiUrl();
    builder.clock = settings.clock();
    builder.sleeper = settings.sleeper();
    builder.relay = settings.relay();
    return builder;
  }

  /**
   * Posts the request to the channel and blocks until an approver decides or the deadline passes.
   *
   * @param request what the agent asks for
   * @return {@link Decision.Approved} (with the code when the request requires MFA, and the approver's
   *     Slack user id), {@link Decision.Denied}, or {@link Decision.Expired}; always bound to
   *     {@code request.id()}
   * @throws ApprovalChannelException when Slack rejects the settings ({@code CONFIGURATION}) or cannot be
   *     reached after bounded retries ({@code UNAVAILABLE})
   * @throws IllegalStateException when the channel is closed, or a call for the same request id is pending
   */
  @Override
  public Decision decide(ApprovalRequest request) {
    return engine.decide(request);
  }

  /**
   * Opens the Socket Mode connection now instead of at the first {@code decide}. A broker of a fleet
   * calls it at start: Slack delivers interactions to any of the app's connections, so a broker must be
   * connected to relay the clicks it receives for requests other brokers posted. Does nothing when already
   * connected.
   *
   * @throws ApprovalChannelException when Slack rejects the app token ({@code CONFIGURATION}) or cannot be
   *     reached after bounded retries ({@code UNAVAILABLE})
   * @throws IllegalStateException when the channel is closed
   */
  public void connect() {
    engine.connect();
  }

  /** Disconnects from Slack and stops the channel's threads; pending calls return {@code Expired}. */
  @Override
  public void close() {
    engine.close();
  }

  /** The channel's settings, without its tokens. */
  @Override
  public String toString() {
    return "SlackApprovalChannel[channel=" + settings.channel() + ", approvers=" + settings.approvers()
        + ", timeout=" + settings.timeout() + ", apiUrl=" + settings.apiUrl()
        + (settings.relay() == DecisionRelay.none() ? "" : ", relay=" + settings.relay()) + "]";
  }

  /**
   * Builds {@link SlackApprovalChannel}s. Each setter checks its value at once and throws
   * {@link ApprovalChannelException} ({@code CONFIGURATION}) naming the setting, never repeating a token;
   * {@link #build()} checks that the required settings are present. Not thread-safe.
   */
  public static final class Builder {
    private SlackToken botToken;
    private SlackToken appToken;
    private String channel;
    private Set<String> approverUsers = Set.of();
    private Set<String> approverGroups = Set.of();
    private Duration timeout = DEFAULT_TIMEOUT;
    private String apiUrl = DEFAULT_API_URL;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.THREAD;
    private DecisionRelay relay = DecisionRelay.none();

    private Builder() {}

    /**
     * Sets the bot token, with the {@code chat:write} scope (and {@code usergroups:read} for groups).
     *
     * @param botToken the token, {@code xoxb-...}; kept only in a redacted holder
     * @return this builder
     */
    public Builder botToken(String botToken) {
      this.botToken = SlackToken.of(SlackToken.Kind.BOT, botToken);
      return this;
    }

    /**
     * Sets the app-level token for Socket Mode, with the {@code connections:write} scope.
     *
     * @param appToken the token, {@code xapp-...}; kept only in a redacted holder
     * @return this builder
     */
    public Builder appToken(String appToken) {
      this.appToken = SlackToken.of(SlackToken.Kind.APP, appToken);
      return this;
    }

    /**
     * Sets the channel approval requests are posted to; the app must be a member of it.
     *
     * @param channel the channel id, such as {@code C0123456789}
     * @return this builder
     */
    public Builder channel(String channel) {
      this.channel = Settings.checkChannel(channel);
      return this;
    }

    /**
     * Sets who may decide, replacing earlier approvers. Members of a user group are looked up (with
     * {@code usergroups.users.list}) each time a request is posted.
     *
     * @param approvers Slack user ids ({@code U...} or {@code W...}) and user group ids ({@code S...})
     * @return this builder
     */
    public Builder approvers(Collection<String> approvers) {
      Set<String> users = new LinkedHashSet<>();
      Set<String> groups = new LinkedHashSet<>();
      Settings.checkApprovers(approvers, users, groups);
      this.approverUsers = users;
      this.approverGroups = groups;
      return this;
    }

    /**
     * Sets the longest one {@code decide} waits, even when the request's own deadline is later.
     *
     * @param timeout a positive duration; default {@link #DEFAULT_TIMEOUT}
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Settings.checkTimeout(timeout);
      return this;
    }

    /**
     * Sets the Slack Web API base URL, for tests and proxies.
     *
     * @param apiUrl an http(s) URL without user information; default {@link #DEFAULT_API_URL}
     * @return this builder
     */
    public Builder apiUrl(String apiUrl) {
      this.apiUrl = Settings.checkApiUrl(apiUrl);
      return this;
    }

    /**
     * Sets the clock that deadlines are measured with and outcomes are stamped with.
     *
     * @param clock the clock; default the UTC system clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Sets what waits before a Web API call is retried; for tests, which record the waits and move their clock
     * instead of sleeping. Not public: a deployment always sleeps for real.
     *
     * @param sleeper the sleeper; default {@link Sleeper#THREAD}
     * @return this builder
     */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
      return this;
    }

    /**
     * Sets the relay that carries decisions between the brokers of a fleet: requests this channel posts are
     * announced on it, and an interaction this channel receives for a request another broker posted is
     * checked here (this channel's own approvers, the role key, the code's form, the deadline) and relayed
     * to that broker, which checks it again. Call {@link SlackApprovalChannel#connect()} at start so that
     * the channel receives interactions before it asks anything itself.
     *
     * @param relay the relay, still owned (and closed) by the caller; default {@link DecisionRelay#none()},
     *     which relays nothing: an interaction for a request not pending in this process is ignored
     * @return this builder
     */
    public Builder decisionRelay(DecisionRelay relay) {
      this.relay = Objects.requireNonNull(relay, "relay == null");
      return this;
    }

    /**
     * Builds the channel; no network call is made until the first {@code decide}.
     *
     * @return a new channel, owned and closed by the caller
     * @throws ApprovalChannelException when a required setting (botToken, appToken, channel, approvers)
     *     is missing
     */
    public SlackApprovalChannel build() {
      return new SlackApprovalChannel(new Settings(botToken, appToken, channel, approverUsers, approverGroups,
          timeout, apiUrl, clock, sleeper, relay));
    }
  }
}
