package dev.leasehold.approval.slack.internal;

import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannelException.Kind;
import java.util.Set;

/**
 * Builds the channel's {@link ApprovalChannelException}s, and turns Slack's error codes into them.
 *
 * <p>The one place that decides which Slack errors are settings to fix ({@code CONFIGURATION}) and which
 * are outages ({@code UNAVAILABLE}). Messages name the setting to fix and the Slack error code; they never
 * carry a token or a code typed by an approver. Stateless.
 */
public final class SlackErrors {

  /** Slack error codes that a retry may cure. */
  static final Set<String> TRANSIENT =
      Set.of("internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited");

  private static final Set<String> BAD_TOKEN = Set.of("invalid_auth", "not_authed", "account_inactive",
      "token_revoked", "token_expired", "not_allowed_token_type");

  private static final Set<String> REFUSED = Set.of("no_permission", "restricted_action", "access_denied",
      "ekm_access_denied", "team_access_not_granted", "is_archived", "no_such_subteam", "invalid_usergroup");

  private SlackErrors() {}

  /** A setting is missing or wrong. */
  public static ApprovalChannelException configuration(String message) {
    return new ApprovalChannelException(Kind.CONFIGURATION, message);
  }

  /** Slack could not be reached or did not answer usefully. */
  static ApprovalChannelException unavailable(String message, Throwable cause) {
    return cause == null
        ? new ApprovalChannelException(Kind.UNAVAILABLE, message)
        : new ApprovalChannelException(Kind.UNAVAILABLE, message, cause);
  }

  /**
   * The exception for a Slack {@code "ok": false} answer.
   *
   * @param method the Web API method, such as {@code chat.postMessage}
   * @param error Slack's error code
   * @param needed the scope Slack said is missing, or null
   * @param token the token the call used
   * @param channel the configured channel
   */
  static ApprovalChannelException forError(
      String method, String error, String needed, SlackToken.Kind token, String channel) {
    String what = "Slack refused " + method + " (" + error + ")";
    if (BAD_TOKEN.contains(error)) {
      return configuration(what + ": check the '" + token.setting() + "' setting; the token is invalid, "
          + "revoked, or not of the right kind (create a new one in the Slack app's settings)");
    }
    switch (error) {
      case "missing_scope":
        return configuration(what + ": add the scope " + (needed == null ? "it needs" : "'" + needed + "'")
            + " to the Slack app and reinstall it in the workspace");
      case "channel_not_found":
        return configuration(what + ": check the 'channel' setting; channel '" + channel
            + "' does not exist or the app cannot see it (use the channel id, such as C0123456789)");
      case "not_in_channel":
        return configuration(what + ": the app is not a member of channel '" + channel
            + "'; invite it there (/invite @your-app) or change the 'channel' setting");
      default:
        if (REFUSED.contains(error)) {
          return configuration(what + ": check the app's scopes and the 'channel' and 'approvers' settings");
        }
        return unavailable(what + "; if this persists, check Slack's status and the app's settings", null);
    }
  }
}
