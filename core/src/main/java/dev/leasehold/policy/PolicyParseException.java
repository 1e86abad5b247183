package dev.leasehold.policy;

import dev.leasehold.LeaseholdException;
import java.util.List;

/**
 * A policy document that is not JSON or not a well-formed IAM policy.
 *
 * <p>The rule: a document Leasehold cannot read exactly is never guessed at; it is refused, and every
 * problem found is listed, one {@code line L, column C: problem} per line, so the author can fix them
 * all at once.
 */
public final class PolicyParseException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates the exception; Leasehold's parser builds it, users only catch it.
   *
   * @param problems one {@code line L, column C: problem} per entry, at least one
   */
  public PolicyParseException(List<String> problems) {
    super("Not a valid IAM policy document (fix these and parse again):\n" + String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems found, one {@code line L, column C: problem} per entry. */
  public List<String> problems() {
    return problems;
  }
}
