package dev.leasehold;

import java.util.List;

/**
 * The declared intent is not allowed by the requested role's catalog permissions. No human was asked
 * and nothing reached AWS. The message names the catalog roles that would allow the intent, or says that
 * none does: then a new narrow role is needed; never widen an existing one.
 */
public class OutOfScopeException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  private final List<String> allowingRoles;

  /**
   * Creates the exception.
   *
   * @param message what is out of scope and what to do
   * @param allowingRoles the catalog roles that would allow the intent; may be empty
   */
  public OutOfScopeException(String message, List<String> allowingRoles) {
    super(message);
    this.allowingRoles = List.copyOf(allowingRoles);
  }

  /** The catalog roles whose permissions would allow the intent; empty when none does. */
  public List<String> allowingRoles() {
    return allowingRoles;
  }
}
