package dev.leasehold.audit;

import java.util.Locale;

/** The steps of a request's life that the audit trail records. */
public enum AuditEventType {
  /** An agent asked for a lease; written before any human is asked. */
  REQUESTED,
  /** A human approved. */
  APPROVED,
  /** A human denied, or the request was refused during a denial cool-down. */
  DENIED,
  /** No human decided in time. */
  EXPIRED,
  /** A request was refused before a human was asked (rate limit, channel failure, bad decision). */
  REFUSED,
  /** STS issued the lease. */
  ASSUMED,
  /** STS refused or failed; the cause says why. */
  ASSUME_FAILED,
  /** A guarded client let a call through. */
  CALL_ALLOWED,
  /** A guarded client refused a call before it left the process. */
  CALL_REFUSED,
  /** The session was closed or expired; its credentials no longer resolve. */
  CLOSED,
  /**
   * The lease's credentials were handed out unguarded ({@code AgentSession.exportCredentials(reason)}); the
   * cause holds the caller's reason. Calls made with them are bounded only by the session policy.
   */
  CREDENTIALS_EXPORTED;

  /** The spelling used in JSON records, such as {@code assume-failed}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses the JSON spelling. */
  public static AuditEventType fromJson(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
