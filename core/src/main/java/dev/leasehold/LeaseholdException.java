package dev.leasehold;

/**
 * The one unchecked base of every error Leasehold raises at its public boundary.
 *
 * <p>The rules every subclass keeps: the message says what happened and what to do next, and it never
 * carries a secret (access keys, secret keys, session tokens, MFA codes, chat tokens). Catch a specific
 * subclass to act on it: for example, never retry an {@link ApprovalDeniedException}.
 */
public class LeaseholdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   */
  protected LeaseholdException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what happened and what to do; no secrets
   * @param cause the underlying failure; its message must not carry secrets either
   */
  protected LeaseholdException(String message, Throwable cause) {
    super(message, cause);
  }
}
