package dev.leasehold;

/**
 * The session's lease has ended (expired or closed). Leasehold never refreshes a lease silently: call
 * {@code AwsSessionFactory.open} again, which asks a human again.
 */
public class SessionExpiredException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   */
  public SessionExpiredException(String message) {
    super(message);
  }
}
