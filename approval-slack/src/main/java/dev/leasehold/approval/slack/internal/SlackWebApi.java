package dev.leasehold.approval.slack.internal;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import com.slack.api.util.http.SlackHttpClient;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.Durations;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntFunction;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack Web API calls the channel makes, through the official SDK, with one retry policy.
 *
 * <p>The rules, enforced here for every call: HTTP 429 is retried after Slack's {@code Retry-After} (at
 * most {@link #MAX_RETRY_AFTER}; a longer one fails the call at once); network failures, HTTP 5xx and
 * Slack's transient error codes are retried with exponential backoff and jitter; after {@link #MAX_ATTEMPTS}
 * attempts the call fails with {@code UNAVAILABLE}. A retry whose wait would end after the call's deadline
 * (the approval's, for the calls {@code decide} makes) is not made: the call fails at once. Errors that a
 * retry cannot cure (a bad token, an unknown channel, a missing scope) fail at once with
 * {@code CONFIGURATION} (see {@link SlackErrors}). Every HTTP exchange is bounded by {@link #HTTP_TIMEOUT}.
 * Tokens travel only in the SDK's {@code Authorization} header.
 *
 * <p>Resilience4j's {@link Retry} decides whether and how long to wait (its {@link Retry.AsyncContext}
 * returns the wait instead of sleeping); the wait itself goes through the settings' {@link Sleeper}, so tests
 * record it and move their clock.
 *
 * <p>Thread-safe. The owner closes it, which stops the SDK's HTTP client and its threads.
 */
final class SlackWebApi implements AutoCloseable {

  /** Attempts per call, the first one included. */
  static final int MAX_ATTEMPTS = 3;
  /** The wait before the second attempt after a network failure; doubled for each further attempt. */
  static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  /** How far a backoff may stray from its nominal value, either way: 0.2 is 20 %. */
  static final double JITTER = 0.2;
  /** The longest backoff after a network failure, HTTP 5xx or a transient Slack error. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** The longest {@code Retry-After} honoured; a longer one fails the call at once. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  /** Read, write and whole-call timeout of one HTTP exchange. */
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(SlackWebApi.class);
  private static final IntervalFunction BACKOFF =
      IntervalFunction.ofExponentialRandomBackoff(FIRST_BACKOFF, 2.0, JITTER, MAX_BACKOFF);

  /** Where a message was posted: the channel id Slack resolved and the message's timestamp. */
  record Posted(String channelId, String ts) {}

  @FunctionalInterface
  private interface Call<T> {
    T call(MethodsClient client) throws IOException, SlackApiException;
  }

  private final Slack slack;
  private final MethodsClient bot;
  private final MethodsClient app;
  private final String apiUrl;
  private final String channel;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Retry retry = Retry.of("slack-web-api", RetryConfig.custom()
      .maxAttempts(MAX_ATTEMPTS)
      .retryOnException(e -> e instanceof Failure failure && failure.retriable)
      .intervalBiFunction(SlackWebApi::interval)
      .build());

  /** Creates the SDK client; makes no network call. */
  SlackWebApi(Settings settings) {
    SlackConfig config = new SlackConfig();
    config.setStatsEnabled(false);
    config.setMethodsEndpointUrlPrefix(settings.apiUrl());
    int timeoutMillis = (int) HTTP_TIMEOUT.toMillis();
    config.setHttpClientReadTimeoutMillis(timeoutMillis);
    config.setHttpClientWriteTimeoutMillis(timeoutMillis);
    config.setHttpClientCallTimeoutMillis(timeoutMillis);
    // OkHttp silently repeats a request after a connection failure; off, so that this class alone retries
    OkHttpClient http = SlackHttpClient.buildOkHttpClient(config).newBuilder()
        .retryOnConnectionFailure(false)
        .build();
    this.slack = Slack.getInstance(config, new SlackHttpClient(http));
    this.bot = slack.methods(settings.botToken().reveal());
    this.app = slack.methods(settings.appToken().reveal());
    this.apiUrl = settings.apiUrl();
    this.channel = settings.channel();
    this.clock = settings.clock();
    this.sleeper = settings.sleeper();
  }

  /** The SDK facade, for the Socket Mode client (which reconnects through it). */
  Slack slack() {
    return slack;
  }

  /** {@code apps.connections.open}: a fresh Socket Mode WebSocket URL. */
  String openConnection() {
    return call("apps.connections.open", SlackToken.Kind.APP, app, null, c -> c.appsConnectionsOpen(r -> r))
        .getUrl();
  }

  /** {@code chat.postMessage} to the configured channel, link previews off; no retry ends after {@code deadline}. */
  Posted postMessage(String text, List<LayoutBlock> blocks, Instant deadline) {
    ChatPostMessageResponse response = call("chat.postMessage", SlackToken.Kind.BOT, bot, deadline,
        c -> c.chatPostMessage(r -> r.channel(channel).text(text).blocks(blocks)
            .unfurlLinks(false).unfurlMedia(false)));
    return new Posted(response.getChannel(), response.getTs());
  }

  /** {@code chat.update} of a message this channel posted. */
  void update(Posted message, String text, List<LayoutBlock> blocks) {
    call("chat.update", SlackToken.Kind.BOT, bot, null,
        c -> c.chatUpdate(r -> r.channel(message.channelId()).ts(message.ts()).text(text).blocks(blocks)));
  }

  /** {@code views.open} with an interaction's trigger id. */
  void openView(String triggerId, View view) {
    call("views.open", SlackToken.Kind.BOT, bot, null, c -> c.viewsOpen(r -> r.triggerId(triggerId).view(view)));
  }

  /** {@code chat.postEphemeral}: a message only {@code user} sees. */
  void postEphemeral(String channelId, String user, String text) {
    call("chat.postEphemeral", SlackToken.Kind.BOT, bot, null,
        c -> c.chatPostEphemeral(r -> r.channel(channelId).user(user).text(text)));
  }

  /** {@code usergroups.users.list}: the user ids in a user group; no retry ends after a non-null {@code deadline}. */
  List<String> usergroupMembers(String usergroup, Instant deadline) {
    List<String> users = call("usergroups.users.list", SlackToken.Kind.BOT, bot, deadline,
        c -> c.usergroupsUsersList(r -> r.usergroup(usergroup))).getUsers();
    return users == null ? List.of() : users;
  }

  /**
   * Makes the call until it succeeds, fails for good, runs out of attempts, or the next wait would end
   * after {@code deadline} (null: no deadline but the attempts).
   */
  private <T extends SlackApiTextResponse> T call(
      String method, SlackToken.Kind token, MethodsClient client, Instant deadline, Call<T> call) {
    Retry.AsyncContext<T> attempts = retry.asyncContext();
    for (int attempt = 1; ; attempt++) {
      try {
        T response = attempt(method, token, client, call);
        attempts.onComplete();
        return response;
      } catch (Failure failure) {
        long waitMillis = attempts.onError(failure);
        if (waitMillis < 0
            || deadline != null && clock.instant().plusMillis(waitMillis).isAfter(deadline)) {
          throw failure.error.apply(attempt);
        }
        LOG.debug("Retrying Slack {} in {} ms (attempt {} of {})", method, waitMillis, attempt + 1, MAX_ATTEMPTS);
        sleep(Duration.ofMillis(waitMillis), method);
      }
    }
  }

  /** One attempt: the response if Slack said ok, or the {@link Failure} that says whether to retry. */
  private <T extends SlackApiTextResponse> T attempt(
      String method, SlackToken.Kind token, MethodsClient client, Call<T> call) {
    T response;
    try {
      response = call.call(client);
    } catch (SlackApiException e) {
      throw httpFailure(method, token, e);
    } catch (IOException e) {
      throw new Failure(true, null, attempts -> SlackErrors.unavailable("Cannot reach the Slack Web API at "
          + apiUrl + " for " + method + " after " + attempts + (attempts == 1 ? " attempt (" : " attempts (")
          + e.getClass().getSimpleName() + "); check the network, any proxy, and the 'apiUrl' setting", e));
    }
    if (response.isOk()) {
      return response;
    }
    String error = response.getError();
    throw new Failure(SlackErrors.TRANSIENT.contains(error), null,
        attempts -> SlackErrors.forError(method, error, response.getNeeded(), token, channel));
  }

  /** The failure for an HTTP error: 429 and 5xx are retried, anything else is not. */
  private Failure httpFailure(String method, SlackToken.Kind token, SlackApiException e) {
    int status = e.getResponse().code();
    if (status == 429) {
      Duration wait = retryAfter(e.getResponse().header("Retry-After"));
      return new Failure(true, wait, attempts -> SlackErrors.unavailable("Slack rate-limited " + method
          + " (HTTP 429, retry after " + Durations.human(wait) + ") on attempt " + attempts + "; try again later",
          null));
    }
    if (status == 404) {
      return new Failure(false, null, attempts -> SlackErrors.configuration("The Slack Web API method " + method
          + " was not found under " + apiUrl + " (HTTP 404): check the 'apiUrl' setting"));
    }
    String error = e.getError() == null ? null : e.getError().getError();
    String needed = e.getError() == null ? null : e.getError().getNeeded();
    return new Failure(status >= 500, null, attempts -> error != null && !SlackErrors.TRANSIENT.contains(error)
        ? SlackErrors.forError(method, error, needed, token, channel)
        : SlackErrors.unavailable("Slack answered HTTP " + status + " to " + method + " on attempt " + attempts
            + "; try again later", null));
  }

  /**
   * The wait before the next attempt, in milliseconds: Slack's {@code Retry-After}, or -1 (no retry) when it
   * exceeds {@link #MAX_RETRY_AFTER}; otherwise exponential backoff with jitter.
   */
  private static Long interval(Integer attempt, Either<Throwable, ?> outcome) {
    Duration retryAfter = ((Failure) outcome.getLeft()).retryAfter;
    if (retryAfter == null) {
      return BACKOFF.apply(attempt);
    }
    return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? -1L : retryAfter.toMillis();
  }

  static Duration retryAfter(String header) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header == null ? "1" : header.strip())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  private void sleep(Duration wait, String method) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SlackErrors.unavailable("Interrupted while waiting to retry Slack " + method, e);
    }
  }

  /**
   * A failed attempt, inside the retry loop only: whether a retry may cure it, Slack's {@code Retry-After}
   * (null: back off), and the exception the call ends with, given the number of attempts made.
   */
  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final boolean retriable;
    final transient Duration retryAfter;
    final transient IntFunction<ApprovalChannelException> error;

    Failure(boolean retriable, Duration retryAfter, IntFunction<ApprovalChannelException> error) {
      super("Slack Web API attempt failed", null, false, false);
      this.retriable = retriable;
      this.retryAfter = retryAfter;
      this.error = error;
    }
  }

  /** Stops the SDK's HTTP client and its background threads. Never throws. */
  @Override
  public void close() {
    try {
      slack.close();
    } catch (Exception e) {
      LOG.warn("Closing the Slack SDK client failed ({})", e.getClass().getSimpleName());
    }
  }

  @Override
  public String toString() {
    return "SlackWebApi[" + apiUrl + "]";
  }
}
