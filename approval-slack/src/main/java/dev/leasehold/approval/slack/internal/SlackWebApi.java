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
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack Web API calls the channel makes, through the official SDK, with one retry policy.
 *
 * <p>The rules, enforced here for every call: HTTP 429 is retried after Slack's {@code Retry-After} (at
 * most {@link #MAX_RETRY_AFTER}); network failures, HTTP 5xx and Slack's transient error codes are retried
 * with exponential backoff; after {@link #MAX_ATTEMPTS} attempts the call fails with
 * {@code UNAVAILABLE}. Errors that a retry cannot cure (a bad token, an unknown channel, a missing scope)
 * fail at once with {@code CONFIGURATION} (see {@link SlackErrors}). Every HTTP exchange is bounded by
 * {@link #HTTP_TIMEOUT}. Tokens travel only in the SDK's {@code Authorization} header.
 *
 * <p>Thread-safe. The owner closes it, which stops the SDK's HTTP client and its threads.
 */
final class SlackWebApi implements AutoCloseable {

  /** Attempts per call, the first one included. */
  static final int MAX_ATTEMPTS = 3;
  /** The wait before the second attempt after a network failure; doubled for each further attempt. */
  static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  /** The longest {@code Retry-After} honoured; a longer one fails the call at once. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  /** Read, write and whole-call timeout of one HTTP exchange. */
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(SlackWebApi.class);

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
  }

  /** The SDK facade, for the Socket Mode client (which reconnects through it). */
  Slack slack() {
    return slack;
  }

  /** {@code apps.connections.open}: a fresh Socket Mode WebSocket URL. */
  String openConnection() {
    return call("apps.connections.open", SlackToken.Kind.APP, app, c -> c.appsConnectionsOpen(r -> r)).getUrl();
  }

  /** {@code chat.postMessage} to the configured channel; link previews off. */
  Posted postMessage(String text, List<LayoutBlock> blocks) {
    ChatPostMessageResponse response = call("chat.postMessage", SlackToken.Kind.BOT, bot,
        c -> c.chatPostMessage(r -> r.channel(channel).text(text).blocks(blocks)
            .unfurlLinks(false).unfurlMedia(false)));
    return new Posted(response.getChannel(), response.getTs());
  }

  /** {@code chat.update} of a message this channel posted. */
  void update(Posted message, String text, List<LayoutBlock> blocks) {
    call("chat.update", SlackToken.Kind.BOT, bot,
        c -> c.chatUpdate(r -> r.channel(message.channelId()).ts(message.ts()).text(text).blocks(blocks)));
  }

  /** {@code views.open} with an interaction's trigger id. */
  void openView(String triggerId, View view) {
    call("views.open", SlackToken.Kind.BOT, bot, c -> c.viewsOpen(r -> r.triggerId(triggerId).view(view)));
  }

  /** {@code chat.postEphemeral}: a message only {@code user} sees. */
  void postEphemeral(String channelId, String user, String text) {
    call("chat.postEphemeral", SlackToken.Kind.BOT, bot,
        c -> c.chatPostEphemeral(r -> r.channel(channelId).user(user).text(text)));
  }

  /** {@code usergroups.users.list}: the user ids in a user group. */
  List<String> usergroupMembers(String usergroup) {
    List<String> users = call("usergroups.users.list", SlackToken.Kind.BOT, bot,
        c -> c.usergroupsUsersList(r -> r.usergroup(usergroup))).getUsers();
    return users == null ? List.of() : users;
  }

  private <T extends SlackApiTextResponse> T call(
      String method, SlackToken.Kind token, MethodsClient client, Call<T> call) {
    for (int attempt = 1; ; attempt++) {
      boolean last = attempt >= MAX_ATTEMPTS;
      Duration wait;
      try {
        T response = call.call(client);
        if (response.isOk()) {
          return response;
        }
        if (last || !SlackErrors.TRANSIENT.contains(response.getError())) {
          throw SlackErrors.forError(method, response.getError(), response.getNeeded(), token, channel);
        }
        wait = backoff(attempt);
      } catch (SlackApiException e) {
        wait = retryWait(method, token, attempt, e);
      } catch (IOException e) {
        if (last) {
          throw SlackErrors.unavailable("Cannot reach the Slack Web API at " + apiUrl + " for " + method
              + " after " + MAX_ATTEMPTS + " attempts (" + e.getClass().getSimpleName()
              + "); check the network, any proxy, and the 'apiUrl' setting", e);
        }
        wait = backoff(attempt);
      }
      LOG.debug("Retrying Slack {} in {} ms (attempt {} of {})", method, wait.toMillis(), attempt + 1,
          MAX_ATTEMPTS);
      sleep(wait, method);
    }
  }

  /** How long to wait before retrying after an HTTP error, or the exception that ends the call. */
  private Duration retryWait(String method, SlackToken.Kind token, int attempt, SlackApiException e) {
    int status = e.getResponse().code();
    String error = e.getError() == null ? null : e.getError().getError();
    boolean last = attempt >= MAX_ATTEMPTS;
    if (status == 429) {
      Duration wait = retryAfter(e.getResponse().header("Retry-After"));
      if (last || wait.compareTo(MAX_RETRY_AFTER) > 0) {
        throw SlackErrors.unavailable("Slack rate-limited " + method + " (HTTP 429, retry after "
            + wait.toSeconds() + " s) on attempt " + attempt + "; try again later", null);
      }
      return wait;
    }
    if (status >= 500 && !last) {
      return backoff(attempt);
    }
    if (status == 404) {
      throw SlackErrors.configuration("The Slack Web API method " + method + " was not found under "
          + apiUrl + " (HTTP 404): check the 'apiUrl' setting");
    }
    if (error != null && !SlackErrors.TRANSIENT.contains(error)) {
      throw SlackErrors.forError(method, error, e.getError().getNeeded(), token, channel);
    }
    throw SlackErrors.unavailable("Slack answered HTTP " + status + " to " + method + " on attempt "
        + attempt + "; try again later", null);
  }

  static Duration retryAfter(String header) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header == null ? "1" : header.strip())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  private static Duration backoff(int attempt) {
    return FIRST_BACKOFF.multipliedBy(1L << (attempt - 1));
  }

  private static void sleep(Duration wait, String method) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SlackErrors.unavailable("Interrupted while waiting to retry Slack " + method, e);
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
