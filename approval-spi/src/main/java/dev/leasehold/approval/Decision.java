package dev.leasehold.approval;

import java.util.Objects;
import java.util.Optional;

/**
 * A human's answer to one {@link ApprovalRequest}: {@link Approved}, {@link Denied} or {@link Expired}.
 *
 * <p>A denial is a normal outcome, not an exception. Every decision is bound to the id of the request it
 * answers; Leasehold rejects a decision whose {@link #requestId()} differs from the request it asked about,
 * so an answer can never be replayed onto another request.
 *
 * <p>All implementations are immutable records; none prints a secret in {@code toString()} (the MFA code
 * prints as {@code MfaCode[******]}).
 */
public sealed interface Decision permits Decision.Approved, Decision.Denied, Decision.Expired {

  /** The id of the request this decision answers. */
  String requestId();

  /**
   * The human approved.
   *
   * @param requestId the id of the request this answers
   * @param approver who approved (a user name or chat user id), recorded in the audit trail and the
   *     session tags
   * @param mfaCode the code the approver typed; empty only for a role whose trust policy needs no MFA
   */
  record Approved(String requestId, String approver, Optional<MfaCode> mfaCode) implements Decision {
    /** Validates that every field is present and the approver is named. */
    public Approved {
      Objects.requireNonNull(requestId, "requestId == null");
      Objects.requireNonNull(approver, "approver == null");
      Objects.requireNonNull(mfaCode, "mfaCode == null (use Optional.empty())");
      if (approver.isBlank()) {
        throw new IllegalArgumentException("approver must name the human who approved");
      }
    }

    /** An approval with an MFA code. */
    public static Approved withCode(String requestId, String approver, MfaCode code) {
      return new Approved(requestId, approver, Optional.of(Objects.requireNonNull(code, "code == null")));
    }

    /** An approval without an MFA code, for roles with {@code mfa: none}. */
    public static Approved withoutCode(String requestId, String approver) {
      return new Approved(requestId, approver, Optional.empty());
    }
  }

  /**
   * The human denied.
   *
   * @param requestId the id of the request this answers
   * @param approver who denied
   * @param note an optional one-line reason from the human; empty when none was given
   */
  record Denied(String requestId, String approver, String note) implements Decision {
    /** Validates that every field is present. */
    public Denied {
      Objects.requireNonNull(requestId, "requestId == null");
      Objects.requireNonNull(approver, "approver == null");
      note = note == null ? "" : note;
    }
  }

  /**
   * No human decided before the request's deadline, or the channel was closed while waiting.
   *
   * @param requestId the id of the request this answers
   */
  record Expired(String requestId) implements Decision {
    /** Validates the id. */
    public Expired {
      Objects.requireNonNull(requestId, "requestId == null");
    }
  }
}
