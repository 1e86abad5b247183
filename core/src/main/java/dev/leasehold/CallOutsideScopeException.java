package dev.leasehold;

/**
 * A guarded client refused an AWS call before it left the process: the call is outside the session's
 * declared intent or its role's catalog permissions, or it cannot be mapped to an IAM action while an
 * intent was declared. Open a new session whose intent covers the call; never ask to widen a role.
 */
public class CallOutsideScopeException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  private final String action;

  /**
   * Creates the exception.
   *
   * @param message what was refused and what to do
   * @param action the IAM action of the refused call, such as {@code s3:DeleteObject}, or the raw
   *     operation when it could not be mapped
   */
  public CallOutsideScopeException(String message, String action) {
    super(message);
    this.action = action;
  }

  /** The IAM action of the refused call. */
  public String action() {
    return action;
  }
}
