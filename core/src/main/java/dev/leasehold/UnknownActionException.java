package dev.leasehold;

import java.util.List;

/**
 * An intent names an IAM action that AWS does not have (a typo such as {@code s3:GetObjcet}, or a service
 * prefix that does not exist), according to the service authorization data bundled with Leasehold. The
 * request is refused before a human is asked, since a lease for a name that is not an action would allow
 * nothing. The message and {@link #suggestions()} name the closest actions.
 */
public final class UnknownActionException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;

  private final String action;
  private final List<String> suggestions;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do
   * @param action the unknown action as the agent wrote it
   * @param suggestions the closest known actions, possibly none
   */
  public UnknownActionException(String message, String action, List<String> suggestions) {
    super(message);
    this.action = action;
    this.suggestions = List.copyOf(suggestions);
  }

  /** The action as the agent wrote it. */
  public String action() {
    return action;
  }

  /** The closest actions AWS has, best first; empty when none is close. */
  public List<String> suggestions() {
    return suggestions;
  }
}
