package dev.leasehold;

/**
 * The factory was given credentials an agent could bypass Leasehold with: the environment-variable,
 * system-property or default provider chain (also inside a provider chain, or behind an injected
 * {@code StsClient}), or AWS credential variables present in the process. Give the factory an explicit base
 * identity (a profile, a secret store, or the platform identity) and remove the variables. With
 * {@code refuseLeakyLoggers()}, also thrown while a logger that prints session tokens, MFA codes or Slack
 * frames is at DEBUG or finer: raise it to INFO.
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
