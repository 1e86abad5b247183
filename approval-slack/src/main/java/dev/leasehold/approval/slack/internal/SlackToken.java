package dev.leasehold.approval.slack.internal;

import dev.leasehold.approval.ApprovalChannelException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Slack token: a bot token ({@code xoxb-}) or an app-level token ({@code xapp-}).
 *
 * <p>The rule: a token is a secret for as long as it lives. {@link #toString()} prints only its kind,
 * error messages never repeat it, and the value comes out only through {@link #reveal()}, which is called
 * where the SDK needs it for an {@code Authorization} header.
 *
 * <p>Immutable and thread-safe.
 */
public final class SlackToken {

  /** The two kinds of token a Slack approval channel needs. */
  public enum Kind {
    /** The bot token that posts and updates messages and opens modals. */
    BOT("botToken", "xoxb-", "bot token"),
    /** The app-level token that opens Socket Mode connections ({@code connections:write}). */
    APP("appToken", "xapp-", "app-level token");

    private final String setting;
    private final String prefix;
    private final String description;

    Kind(String setting, String prefix, String description) {
      this.setting = setting;
      this.prefix = prefix;
      this.description = description;
    }

    /** The configuration key that holds this kind of token. */
    public String setting() {
      return setting;
    }
  }

  private static final Pattern BODY = Pattern.compile("[A-Za-z0-9-]{10,}");

  private final Kind kind;
  private final String value;

  private SlackToken(Kind kind, String value) {
    this.kind = kind;
    this.value = value;
  }

  /**
   * Checks the shape of a token.
   *
   * @param kind which token this must be
   * @param value the token as configured; may be null
   * @return the token
   * @throws ApprovalChannelException ({@code CONFIGURATION}) naming the setting, never the value
   */
  public static SlackToken of(Kind kind, String value) {
    Objects.requireNonNull(kind, "kind == null");
    if (value == null || value.isBlank()) {
      throw SlackErrors.configuration("Setting '" + kind.setting + "' is missing: set the Slack "
          + kind.description + " (" + kind.prefix + "...)");
    }
    String token = value.strip();
    for (Kind other : Kind.values()) {
      if (other != kind && token.startsWith(other.prefix)) {
        throw SlackErrors.configuration("Setting '" + kind.setting + "' holds a Slack " + other.description
            + " (" + other.prefix + "...); it needs the " + kind.description + " (" + kind.prefix
            + "...), and the " + other.description + " belongs in '" + other.setting + "'");
      }
    }
    if (!token.startsWith(kind.prefix) || !BODY.matcher(token.substring(kind.prefix.length())).matches()) {
      throw SlackErrors.configuration("Setting '" + kind.setting + "' is not a Slack " + kind.description
          + ": it must start with '" + kind.prefix + "' followed by letters, digits and dashes"
          + " (the value is not shown)");
    }
    return new SlackToken(kind, token);
  }

  /** Which kind of token this is. */
  public Kind kind() {
    return kind;
  }

  /** The token itself. Call it only to hand the token to the Slack SDK; never log or store the result. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "SlackToken[" + kind.prefix + "******]";
  }
}
