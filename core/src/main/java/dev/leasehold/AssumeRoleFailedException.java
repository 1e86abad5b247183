package dev.leasehold;

/**
 * A human approved, but STS refused or could not serve the {@code AssumeRole} call. The
 * {@link #category()} says what to do; {@link Category#UNAVAILABLE} and {@link Category#THROTTLED} were
 * already retried with backoff, the others are never retried (an MFA code is accepted once, and a
 * denial will not change by asking again).
 */
public class AssumeRoleFailedException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /** Why STS refused, in terms a caller can act on. */
  public enum Category {
    /** STS rejected the MFA code (wrong, reused or expired): approve again with a fresh code. */
    MFA_CODE_REJECTED,
    /** The trust policy, ExternalId or the agent's own policy refused the assume. Check the IAM setup with {@code leasehold verify}. */
    ACCESS_DENIED,
    /** STS kept throttling after the bounded retries. Slow down. */
    THROTTLED,
    /** The lease is longer than the role's MaxSessionDuration. Shorten the catalog duration. */
    DURATION_TOO_LONG,
    /** STS is not enabled in the region. Use another region or enable it. */
    REGION_DISABLED,
    /** The generated session policy was rejected. Narrow the intent. */
    MALFORMED_POLICY,
    /** The session policy and tags pack too large. Narrow the intent or split the task. */
    POLICY_TOO_LARGE,
    /** The agent's base credentials have expired. Renew the base identity. */
    EXPIRED_BASE_CREDENTIALS,
    /** STS was unreachable, failing or too slow, after bounded retries. Try again later. */
    UNAVAILABLE,
    /** STS rejected the request as invalid for another reason; the message carries STS's explanation. */
    INVALID_REQUEST
  }

  private final Category category;
  private final String roleKey;

  /**
   * Creates the exception.
   *
   * @param category what kind of failure this is
   * @param roleKey the role that could not be assumed
   * @param message what happened and what to do; no secrets
   * @param cause the SDK failure (its own message carries no secret)
   */
  public AssumeRoleFailedException(Category category, String roleKey, String message, Throwable cause) {
    super(message, cause);
    this.category = java.util.Objects.requireNonNull(category, "category == null");
    this.roleKey = roleKey;
  }

  /** What kind of failure this is. */
  public Category category() {
    return category;
  }

  /** The role that could not be assumed. */
  public String roleKey() {
    return roleKey;
  }
}
