package dev.leasehold.approval;

import java.util.Map;

/**
 * Creates {@link ApprovalChannel}s of one kind; found through {@link java.util.ServiceLoader}.
 *
 * <p>Register an implementation in {@code META-INF/services/dev.leasehold.approval.ApprovalChannelProvider}
 * (and with {@code provides ... with ...} in a module descriptor). Leasehold never picks "the first provider
 * found": a channel is always chosen by its {@link #name()} through
 * {@link ApprovalChannels#load(String, Map)}.
 *
 * <p>Implementations must be stateless and thread-safe, with a public no-argument constructor.
 */
public interface ApprovalChannelProvider {

  /**
   * The name users choose this channel by, such as {@code console} or {@code slack}: lower case letters,
   * digits and dashes.
   */
  String name();

  /**
   * Creates a channel from string settings.
   *
   * @param config the channel's settings (for example {@code timeout}, {@code approver}); never null,
   *     unknown keys should be rejected so that typos do not silently change behaviour
   * @return a new channel, owned (and closed) by the caller
   * @throws ApprovalChannelException when a setting is missing or invalid; the message names the key
   *     and never repeats a secret value
   */
  ApprovalChannel create(Map<String, String> config);

  /**
   * Creates a channel from string settings that relays decisions through {@code relay} (a broker of a fleet
   * passes its relay here; see {@link DecisionRelay}).
   *
   * <p>The default ignores the relay and calls {@link #create(Map)}: right for channels whose every
   * interaction reaches the process that asked (a terminal). A channel whose transport may deliver an
   * interaction to another process (Slack) overrides it.
   *
   * @param config the channel's settings, as for {@link #create(Map)}
   * @param relay the relay; {@link DecisionRelay#none()} for none. The caller keeps owning (and closes) it
   * @return a new channel, owned (and closed) by the caller
   * @throws ApprovalChannelException when a setting is missing or invalid
   */
  default ApprovalChannel create(Map<String, String> config, DecisionRelay relay) {
    java.util.Objects.requireNonNull(relay, "relay == null");
    return create(config);
  }
}
