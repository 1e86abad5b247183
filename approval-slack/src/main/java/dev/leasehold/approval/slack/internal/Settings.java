package dev.leasehold.approval.slack.internal;

import dev.leasehold.approval.DecisionRelay;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated settings of one Slack approval channel, and the checks that validate them.
 *
 * <p>Every check throws {@link dev.leasehold.approval.ApprovalChannelException} ({@code CONFIGURATION}) with a
 * message that names the setting and never repeats a token. Immutable and thread-safe; its
 * {@code toString()} shows tokens redacted.
 *
 * @param botToken the bot token ({@code xoxb-})
 * @param appToken the app-level token ({@code xapp-})
 * @param channel the channel id (or name) that approval messages go to
 * @param approverUsers user ids ({@code U…} or {@code W…}) that may decide
 * @param approverGroups user group ids ({@code S…}) whose members may decide
 * @param timeout the longest one {@code decide} call waits, even when the request's deadline is later
 * @param apiUrl the Web API base URL, ending in {@code /}
 * @param clock the clock deadlines are measured with
 * @param sleeper waits before a Web API call is retried ({@link Sleeper#THREAD} but in tests)
 * @param relay carries decisions between the brokers of a fleet; {@link DecisionRelay#none()} for a single process
 */
public record Settings(
    SlackToken botToken,
    SlackToken appToken,
    String channel,
    Set<String> approverUsers,
    Set<String> approverGroups,
    Duration timeout,
    String apiUrl,
    Clock clock,
    Sleeper sleeper,
    DecisionRelay relay) {

  /** A Slack user id. */
  public static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,}");
  /** A Slack user group id. */
  public static final Pattern GROUP_ID = Pattern.compile("S[A-Z0-9]{2,}");
  private static final Pattern CHANNEL = Pattern.compile("[#A-Za-z0-9._-]{1,80}");

  /** Checks that every setting is present and that at least one approver is named. */
  public Settings {
    botToken = require(botToken, "botToken", "the Slack bot token (xoxb-...)");
    appToken = require(appToken, "appToken", "the Slack app-level token (xapp-...)");
    channel = require(channel, "channel", "the id of the channel approval requests go to, such as C0123456789");
    approverUsers = Set.copyOf(Objects.requireNonNull(approverUsers, "approverUsers == null"));
    approverGroups = Set.copyOf(Objects.requireNonNull(approverGroups, "approverGroups == null"));
    if (approverUsers.isEmpty() && approverGroups.isEmpty()) {
      throw SlackErrors.configuration("Setting 'approvers' is missing: name at least one Slack user id "
          + "(U...) or user group id (S...) whose members may approve");
    }
    Objects.requireNonNull(timeout, "timeout == null");
    Objects.requireNonNull(apiUrl, "apiUrl == null");
    Objects.requireNonNull(clock, "clock == null");
    Objects.requireNonNull(sleeper, "sleeper == null");
    Objects.requireNonNull(relay, "relay == null");
  }

  private static <T> T require(T value, String setting, String what) {
    if (value == null) {
      throw SlackErrors.configuration("Setting '" + setting + "' is missing: set " + what);
    }
    return value;
  }

  /** Checks a channel id or name. */
  public static String checkChannel(String channel) {
    if (channel == null || channel.isBlank()) {
      throw SlackErrors.configuration("Setting 'channel' is missing: set the id of the channel approval "
          + "requests go to, such as C0123456789");
    }
    if (!CHANNEL.matcher(channel.strip()).matches()) {
      throw SlackErrors.configuration("Setting 'channel' must be a Slack channel id such as C0123456789 "
          + "(or a channel name without spaces)");
    }
    return channel.strip();
  }

  /**
   * Splits approver ids into users and user groups.
   *
   * @param ids user ids ({@code U…}, {@code W…}) and user group ids ({@code S…})
   * @param users receives the user ids
   * @param groups receives the user group ids
   */
  public static void checkApprovers(Collection<String> ids, Set<String> users, Set<String> groups) {
    Objects.requireNonNull(ids, "approvers == null");
    for (String raw : ids) {
      String id = raw == null ? "" : raw.strip();
      if (USER_ID.matcher(id).matches()) {
        users.add(id);
      } else if (GROUP_ID.matcher(id).matches()) {
        groups.add(id);
      } else {
        throw SlackErrors.configuration("Setting 'approvers' has '" + id + "', which is neither a Slack "
            + "user id (U... or W...) nor a user group id (S...); use ids, not names");
      }
    }
  }

  /** Copies approver ids in a stable order, for {@code toString()} and {@code toBuilder()}. */
  public Set<String> approvers() {
    Set<String> all = new LinkedHashSet<>(approverUsers.stream().sorted().toList());
    all.addAll(approverGroups.stream().sorted().toList());
    return all;
  }

  /** Checks a decision timeout. */
  public static Duration checkTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw SlackErrors.configuration("Setting 'timeout' must be a positive duration, such as 10m");
    }
    return timeout;
  }

  /** Checks a Web API base URL and makes it end in {@code /}. */
  public static String checkApiUrl(String apiUrl) {
    String problem = "Setting 'apiUrl' must be an http(s) URL without user information, such as "
        + "https://slack.com/api/";
    if (apiUrl == null) {
      throw SlackErrors.configuration(problem);
    }
    try {
      URI uri = new URI(apiUrl.strip());
      boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
      if (!web || uri.getHost() == null || uri.getRawUserInfo() != null) {
        throw SlackErrors.configuration(problem);
      }
      String url = uri.toString();
      return url.endsWith("/") ? url : url + "/";
    } catch (URISyntaxException e) {
      throw SlackErrors.configuration(problem);
    }
  }
}
