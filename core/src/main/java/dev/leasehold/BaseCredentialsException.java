package dev.leasehold;

/**
 * The factory's base identity could not be resolved on this machine: a missing or misspelt profile, an
 * unreadable credentials file, a credential process that fails, no platform identity. This is a local
 * setup mistake, never an AWS outage: it is found before any human is asked and before anything reaches
 * AWS, and a retry does not help until the setup is fixed. The message names the provider and what to
 * check; it never carries a secret.
 */
public class BaseCredentialsException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   * @param cause the provider's failure; its message must not carry secrets either
   */
  public BaseCredentialsException(String message, Throwable cause) {
    super(message, cause);
  }
}
