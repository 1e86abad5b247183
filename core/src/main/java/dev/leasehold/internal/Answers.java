package dev.leasehold.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.ApprovalUnavailableException;
import dev.leasehold.BaseCredentialsException;
import dev.leasehold.LeaseholdException;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.Durations;
import dev.leasehold.fleet.TaskOutcome;
import java.time.Duration;

/**
 * The exceptions an agent gets when a request passed validation but ends without a lease: a denial (now, in a
 * cool-down, or on another broker), nobody deciding in time, a shared flight that timed out or broke, and a
 * base identity that cannot resolve. Each names the request and the role and says what to do next (for a
 * denial: stop and report it). Validation's own messages are {@link RequestValidator}'s.
 *
 * <p>Its one reason to change: the words of these answers. Static factories only; no state.
 */
final class Answers {
  private Answers() {}

  /** A human denied request {@code id} just now. */
  static ApprovalDeniedException denied(String id, String roleKey, Decision.Denied denied) {
    return new ApprovalDeniedException("Request " + id + " for role '" + roleKey + "' was denied by "
        + denied.approver() + noteSuffix(denied.note()) + ". Do not retry and do not ask for a wider role: stop "
        + "and report the denial.", id, denied.approver(), denied.note());
  }

  /** Request {@code id} is in the cool-down of the earlier denial {@code earlier}; nobody was asked. */
  static ApprovalDeniedException inCooldown(String id, String roleKey, Decision.Denied earlier) {
    return new ApprovalDeniedException("The same intent on role '" + roleKey + "' was denied by "
        + earlier.approver() + noteSuffix(earlier.note()) + " and is in its cool-down; the human is not asked "
        + "again. Do not retry: stop and report the denial.", id, earlier.approver(), earlier.note());
  }

  /** Nobody decided on request {@code id} within {@code approvalTimeout}. */
  static ApprovalTimedOutException expired(String id, String roleKey, Duration approvalTimeout) {
    return new ApprovalTimedOutException("Nobody decided on request " + id + " for role '" + roleKey
        + "' within " + Durations.human(approvalTimeout) + ". Nothing reached AWS. Ask again only if the task "
        + "is still needed.");
  }

  /** The request {@code denied.requestId()} this one joined on another broker was denied. */
  static ApprovalDeniedException deniedElsewhere(String roleKey, TaskOutcome.Denied denied) {
    String asked = denied.requestId();
    return new ApprovalDeniedException("Request " + asked + " for role '" + roleKey + "', which this request "
        + "joined on another broker, was denied by " + denied.approver() + noteSuffix(denied.note()) + ". Do not "
        + "retry and do not ask for a wider role: stop and report the denial.", asked, denied.approver(),
        denied.note());
  }

  /** Nobody decided in time on the request {@code asked} this one joined on another broker. */
  static ApprovalTimedOutException expiredElsewhere(String asked, String roleKey) {
    return new ApprovalTimedOutException("Nobody decided on request " + asked + " for role '" + roleKey
        + "' (asked on another broker for the same task) in time. Nothing reached AWS. Ask again only if the task "
        + "is still needed.");
  }

  /**
   * The request this one joined on another broker failed: the same exception type and message the asker got
   * there, read back as the broker's wire would carry it.
   */
  static LeaseholdException failedElsewhere(TaskOutcome.Failed failed) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error", failed.error());
    body.put("message", failed.message());
    body.put("requestId", failed.requestId());
    return BrokerWire.exception(500, body);
  }

  /** This caller waited {@code joinTimeout} for the flight of the same task in this process. */
  static ApprovalTimedOutException joinTimedOut(String roleKey, Duration joinTimeout) {
    return new ApprovalTimedOutException("Waited " + Durations.human(joinTimeout) + " for the approval already in "
        + "flight for the same task on role '" + roleKey + "' without an answer. Try again later.");
  }

  /** This caller was interrupted while waiting for the flight of the same task. */
  static ApprovalTimedOutException joinInterrupted(String roleKey) {
    return new ApprovalTimedOutException("Interrupted while waiting for the approval in flight for role '"
        + roleKey + "'.");
  }

  /** The flight this caller joined ended with {@code error} in the caller that ran it. */
  static ApprovalUnavailableException flightBroke(String roleKey, Error error) {
    return new ApprovalUnavailableException("The request for the same task on role '" + roleKey + "' that this "
        + "call joined failed unexpectedly (" + error.getClass().getName() + "); no lease was issued. Try again; "
        + "if it repeats, check the agent process's log.", error);
  }

  /** The base identity {@code provider} could not resolve credentials; {@code cause} says why. */
  static BaseCredentialsException baseIdentityUnresolved(String provider, Throwable cause) {
    return new BaseCredentialsException("The base identity (" + provider + ") could not resolve credentials on "
        + "this machine: " + firstLine(cause.getMessage()) + ". This is a local setup error, not an AWS outage; "
        + "nobody was asked and nothing reached AWS. Check the profile name and the files the AWS SDK reads "
        + "(~/.aws/credentials and ~/.aws/config under HOME, or AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE), "
        + "or the platform identity, then try again.", cause);
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "no detail given";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  private static String noteSuffix(String note) {
    return note == null || note.isEmpty() ? "" : " (note: \"" + note + "\")";
  }
}
