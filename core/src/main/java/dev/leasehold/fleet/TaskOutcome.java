package dev.leasehold.fleet;

import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * How a task's request ended, as the asker hands it to everyone who joined it: a lease, or a plain "no".
 * Immutable; {@code toString()} never shows a credential.
 */
public sealed interface TaskOutcome {
  /** The request id of the request that was asked (the asker's). */
  String requestId();

  /**
   * A lease was issued. The credentials travel only inside the process and, between processes, sealed to the
   * joining process's one-time key.
   *
   * @param requestId the asker's request id (the session id on every process that joined)
   * @param approver who approved
   * @param credentials the lease
   * @param expiration when the lease expires at AWS
   * @param assumedRoleArn the assumed-role ARN STS returned
   * @param handOutUntil after this instant the lease is no longer handed to new callers
   * @param issuedBy the broker (process) that asked and assumed
   */
  record Issued(String requestId, String approver, AwsSessionCredentials credentials, Instant expiration,
      String assumedRoleArn, Instant handOutUntil, String issuedBy) implements TaskOutcome {
    /** Validates. */
    public Issued {
      Objects.requireNonNull(requestId, "requestId == null");
      Objects.requireNonNull(approver, "approver == null");
      Objects.requireNonNull(credentials, "credentials == null");
      Objects.requireNonNull(expiration, "expiration == null");
      Objects.requireNonNull(assumedRoleArn, "assumedRoleArn == null");
      Objects.requireNonNull(handOutUntil, "handOutUntil == null");
      Objects.requireNonNull(issuedBy, "issuedBy == null");
    }

    @Override
    public String toString() {
      return "Issued[requestId=" + requestId + ", approver=" + approver + ", expiration=" + expiration
          + ", issuedBy=" + issuedBy + "]";
    }
  }

  /**
   * A human denied (now, or earlier within the cool-down).
   *
   * @param requestId the asker's request id
   * @param approver who denied
   * @param note the approver's note, possibly empty
   */
  record Denied(String requestId, String approver, String note) implements TaskOutcome {
    /** Validates. */
    public Denied {
      Objects.requireNonNull(requestId, "requestId == null");
      Objects.requireNonNull(approver, "approver == null");
      note = note == null ? "" : note;
    }
  }

  /**
   * Nobody decided in time.
   *
   * @param requestId the asker's request id
   */
  record Expired(String requestId) implements TaskOutcome {
    /** Validates. */
    public Expired {
      Objects.requireNonNull(requestId, "requestId == null");
    }
  }

  /**
   * The request failed or was refused after the task was claimed (rate limit, channel failure, STS failure).
   *
   * @param requestId the asker's request id
   * @param error the simple name of the Leasehold exception the asker got
   * @param message its message (Leasehold's messages carry no secrets)
   */
  record Failed(String requestId, String error, String message) implements TaskOutcome {
    /** Validates. */
    public Failed {
      Objects.requireNonNull(requestId, "requestId == null");
      Objects.requireNonNull(error, "error == null");
      Objects.requireNonNull(message, "message == null");
    }
  }
}
