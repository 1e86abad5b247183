package dev.leasehold;

import java.util.List;

/**
 * The agent asked for a role key that is not in the catalog. Nothing was asked of a human and nothing
 * reached AWS. The message lists the keys the agent may use.
 */
public class UnknownRoleException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  private final String roleKey;
  private final List<String> allowedRoleKeys;

  /**
   * Creates the exception.
   *
   * @param roleKey the key asked for
   * @param allowedRoleKeys the keys in the catalog
   */
  public UnknownRoleException(String roleKey, List<String> allowedRoleKeys) {
    super("Unknown role '" + roleKey + "'. Allowed roles: " + String.join(", ", allowedRoleKeys)
        + ". Ask for one of these by its key; an agent cannot reach roles outside its catalog.");
    this.roleKey = roleKey;
    this.allowedRoleKeys = List.copyOf(allowedRoleKeys);
  }

  /** The key that was asked for. */
  public String roleKey() {
    return roleKey;
  }

  /** The keys the catalog allows. */
  public List<String> allowedRoleKeys() {
    return allowedRoleKeys;
  }
}
