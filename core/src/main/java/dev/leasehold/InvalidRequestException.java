package dev.leasehold;

/**
 * The access request is malformed: a vague, short or unsafe reason, a duration the role does not
 * allow, an expired temporary role, or a malformed intent. Nothing was asked of a human and nothing
 * reached AWS. The message says how to fix the request.
 */
public class InvalidRequestException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   */
  public InvalidRequestException(String message) {
    super(message);
  }
}
