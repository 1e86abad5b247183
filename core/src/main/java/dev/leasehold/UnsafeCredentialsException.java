package dev.leasehold;

/**
 * The factory was given credentials an agent could bypass Leasehold with: the environment-variable,
 * system-property or default provider chain, or AWS credential variables present in the process. Give
 * the factory an explicit base identity (a profile, a secret store, or the platform identity) and remove
 * the variables.
 */
public class UnsafeCredentialsException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets
   */
  public UnsafeCredentialsException(String message) {
    super(message);
  }
}
