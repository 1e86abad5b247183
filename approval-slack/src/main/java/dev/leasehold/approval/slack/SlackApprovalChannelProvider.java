package dev.leasehold.approval.slack;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannelProvider;
import dev.leasehold.approval.DecisionRelay;
import dev.leasehold.approval.Durations;
import dev.leasehold.approval.slack.internal.SlackErrors;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code slack} approval channel provider, for {@code ApprovalChannels.load("slack", config)}.
 *
 * <p>Settings (all strings):
 * <ul>
 *   <li>{@code botToken} (required): the bot token, {@code xoxb-...}</li>
 *   <li>{@code appToken} (required): the app-level token for Socket Mode, {@code xapp-...}</li>
 *   <li>{@code channel} (required): the channel id, such as {@code C0123456789}</li>
 *   <li>{@code approvers} (required): comma-separated Slack user ids ({@code U...}, {@code W...}) and/or
 *       user group ids ({@code S...})</li>
 *   <li>{@code timeout}: the longest wait for one decision, such as {@code 10m}, {@code 600s} or
 *       {@code PT10M}; default {@link SlackApprovalChannel#DEFAULT_TIMEOUT}</li>
 *   <li>{@code apiUrl}: the Web API base URL; default {@link SlackApprovalChannel#DEFAULT_API_URL}</li>
 * </ul>
 *
 * <p>The rule: settings are checked before anything connects, and an unknown key, a missing setting or a
 * malformed token is an {@link ApprovalChannelException} ({@code CONFIGURATION}) that names the key and
 * never repeats a token. Stateless and thread-safe; the caller owns and closes each channel it creates.
 */
public final class SlackApprovalChannelProvider implements ApprovalChannelProvider {

  /** The provider name. */
  public static final String NAME = "slack";

  private static final Set<String> KEYS =
      new TreeSet<>(Arrays.asList("botToken", "appToken", "channel", "approvers", "timeout", "apiUrl"));

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public SlackApprovalChannelProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ApprovalChannel create(Map<String, String> config) {
    return builder(config).build();
  }

  /**
   * Creates a channel that relays decisions through {@code relay} and connects it at once, so that a broker
   * of a fleet receives interactions for requests other brokers posted from its start.
   *
   * @throws ApprovalChannelException when a setting is wrong, or Slack rejects the app token or cannot be
   *     reached (the channel is closed again then)
   */
  @Override
  public ApprovalChannel create(Map<String, String> config, DecisionRelay relay) {
    SlackApprovalChannel channel = builder(config).decisionRelay(relay).build();
    if (relay != DecisionRelay.none()) {
      try {
        channel.connect();
      } catch (RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    return channel;
  }

  private static SlackApprovalChannel.Builder builder(Map<String, String> config) {
    for (String key : config.keySet()) {
      if (!KEYS.contains(key)) {
        throw SlackErrors.configuration("Unknown Slack approval setting '" + key + "'; the settings are "
            + String.join(", ", KEYS));
      }
    }
    SlackApprovalChannel.Builder builder = SlackApprovalChannel.builder()
        .botToken(config.get("botToken"))
        .appToken(config.get("appToken"))
        .channel(config.get("channel"))
        .approvers(Arrays.stream(required(config, "approvers").split(","))
            .map(String::strip).filter(id -> !id.isEmpty()).toList());
    if (config.containsKey("timeout")) {
      builder.timeout(duration(config.get("timeout")));
    }
    if (config.containsKey("apiUrl")) {
      builder.apiUrl(config.get("apiUrl"));
    }
    return builder;
  }

  private static String required(Map<String, String> config, String key) {
    String value = config.get(key);
    if (value == null || value.isBlank()) {
      throw SlackErrors.configuration("Setting '" + key + "' is missing");
    }
    return value;
  }

  private static Duration duration(String text) {
    return Durations.parse(text).orElseThrow(() -> SlackErrors.configuration(
        "Setting 'timeout' must be a duration such as 10m, 600s or PT10M, was '" + (text == null ? "" : text.strip()) + "'"));
  }

}
