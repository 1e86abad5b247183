package dev.leasehold.approval.console;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannelProvider;
import dev.leasehold.approval.Durations;
import dev.leasehold.approval.InertText;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code console} approval channel provider, found by {@link java.util.ServiceLoader} and chosen with
 * {@code ApprovalChannels.load("console", config)}.
 *
 * <p>The rule: a typo never silently changes behaviour. The accepted keys are {@code timeout}
 * (ISO-8601 such as {@code PT2M}, or a whole number with {@code s}, {@code m} or {@code h} such as
 * {@code 90s}), {@code approver} (default the OS user) and {@code color} ({@code auto}, {@code on},
 * {@code off}); any other key, and any bad value, is an {@link ApprovalChannelException} of kind
 * {@code CONFIGURATION} naming the key. The channel is always on the controlling terminal (streams cannot
 * be passed in a map; use {@link ConsoleApprovalChannel#builder()} for them).
 *
 * <p>Stateless and thread-safe; each channel it creates is owned and closed by the caller.
 */
public final class ConsoleApprovalChannelProvider implements ApprovalChannelProvider {

  /** The provider name. */
  public static final String NAME = "console";

  private static final Set<String> KEYS = Set.of("timeout", "approver", "color");

  /** For {@link java.util.ServiceLoader}. */
  public ConsoleApprovalChannelProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Creates a channel on the controlling terminal.
   *
   * @param config {@code timeout}, {@code approver} and {@code color}, each optional
   * @return a new channel, owned and closed by the caller
   * @throws ApprovalChannelException ({@code CONFIGURATION}) for an unknown key, a bad value, or no
   *     terminal
   */
  @Override
  public ApprovalChannel create(Map<String, String> config) {
    Objects.requireNonNull(config, "config == null");
    TreeSet<String> unknown = new TreeSet<>(config.keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw error("Unknown console approval channel setting" + (unknown.size() > 1 ? "s " : " ")
          + quoted(unknown) + ". Allowed keys: " + String.join(", ", new TreeSet<>(KEYS)) + ".");
    }
    ConsoleApprovalChannel.Builder builder = ConsoleApprovalChannel.builder();
    for (String key : new TreeSet<>(config.keySet())) {
      String value = config.get(key);
      try {
        switch (key) {
          case "timeout" -> builder.timeout(duration(value));
          case "approver" -> builder.approver(value);
          default -> builder.color(color(value));
        }
      } catch (IllegalArgumentException e) {
        throw error("Console approval channel setting '" + key + "': " + e.getMessage());
      }
    }
    return builder.build();
  }

  static Duration duration(String value) {
    return Durations.parse(value).orElseThrow(() -> new IllegalArgumentException("'" + InertText.escape(value)
        + "' is not a duration; use ISO-8601 such as PT2M, or a whole number of s, m or h such as 90s or 2m"));
  }

  private static ConsoleApprovalChannel.Color color(String value) {
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "auto":
        return ConsoleApprovalChannel.Color.AUTO;
      case "on":
        return ConsoleApprovalChannel.Color.ON;
      case "off":
        return ConsoleApprovalChannel.Color.OFF;
      default:
        throw new IllegalArgumentException("'" + InertText.escape(value) + "' is not one of auto, on, off");
    }
  }

  private static String quoted(Set<String> keys) {
    StringBuilder out = new StringBuilder();
    for (String key : keys) {
      out.append(out.length() > 0 ? ", " : "").append('\'').append(InertText.escape(key)).append('\'');
    }
    return out.toString();
  }

  private static ApprovalChannelException error(String message) {
    return new ApprovalChannelException(ApprovalChannelException.Kind.CONFIGURATION, message);
  }
}
