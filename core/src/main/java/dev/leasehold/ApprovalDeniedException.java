package dev.leasehold;

/**
 * A human denied the request, or the same role and intent were denied recently and is in its cool-down (the human
 * is not asked again). Do not retry and do not ask for a wider role: stop and report the denial, with
 * its note, to whoever gave the agent its task.
 */
public class ApprovalDeniedException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  private final String requestId;
  private final String approver;
  private final String note;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do
   * @param requestId the denied request
   * @param approver who denied
   * @param note the approver's note, possibly empty
   */
  public ApprovalDeniedException(String message, String requestId, String approver, String note) {
    super(message);
    this.requestId = requestId;
    this.approver = approver;
    this.note = note == null ? "" : note;
  }

  /** The denied request's id. */
  public String requestId() {
    return requestId;
  }

  /** Who denied it. */
  public String approver() {
    return approver;
  }

  /** The approver's note; empty when none was given. */
  public String note() {
    return note;
  }
}
