package dev.leasehold.internal;

import dev.leasehold.InvalidRequestException;
import java.util.Locale;
import java.util.Set;

/**
 * Checks an agent-written reason. The reason is hostile text: it is shown to a human, stored in the audit
 * trail and sent to STS tags, so it must be concrete and inert ({@link dev.leasehold.approval.InertText}'s rule,
 * checked through {@link AgentText} as for intent actions and resources).
 */
public final class ReasonValidator {
  /** Shortest trimmed reason. */
  public static final int MIN_LENGTH = 12;
  /** Longest trimmed reason. */
  public static final int MAX_LENGTH = 256;
  /** Fewest words. */
  public static final int MIN_WORDS = 3;

  private static final String GOOD =
      " A good reason says what will be done, to what, and why, for example: "
          + "\"upload release 1.4.2 artifacts to the hermes-dev-deploy bucket for today's deploy\".";

  private static final Set<String> VAGUE = Set.of(
      "do work", "do some work", "doing work", "run task", "run a task", "running task", "run the task",
      "testing", "test", "just testing", "for testing", "test access", "testing access", "need access",
      "i need access", "get access", "access aws", "aws access", "general access", "admin access",
      "do stuff", "do things", "do the thing", "do my job", "do the task", "perform task",
      "perform the task", "complete task", "complete the task", "as requested", "because i was asked",
      "user asked", "the user asked me", "debugging", "debug", "maintenance", "misc", "various tasks",
      "routine work", "routine task", "check things", "look around", "explore the account",
      "investigate", "troubleshooting", "fix it", "fix the issue", "fix issue", "help the user",
      "automation", "automated task", "agent task", "needed for task", "required for task");

  private ReasonValidator() {}

  /**
   * Validates {@code reason}.
   *
   * @return the trimmed reason
   * @throws InvalidRequestException saying what is wrong and what a good reason looks like
   */
  public static String validate(String reason) {
    if (reason == null) {
      throw new InvalidRequestException("A reason is required." + GOOD);
    }
    String trimmed = reason.strip();
    try {
      AgentText.requireInert("The reason", trimmed);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(e.getMessage() + GOOD);
    }
    int length = trimmed.codePointCount(0, trimmed.length());
    if (length < MIN_LENGTH) {
      throw new InvalidRequestException("The reason is too short (" + length + " characters; at least "
          + MIN_LENGTH + ")." + GOOD);
    }
    if (length > MAX_LENGTH) {
      throw new InvalidRequestException("The reason is too long (" + length + " characters; at most "
          + MAX_LENGTH + "): one sentence is enough." + GOOD);
    }
    String[] words = trimmed.split("\\s+");
    if (words.length < MIN_WORDS) {
      throw new InvalidRequestException("The reason has " + words.length + " word(s); use at least "
          + MIN_WORDS + "." + GOOD);
    }
    String normalized = trimmed.toLowerCase(Locale.ROOT).replaceAll("[\\p{Punct}\\s]+", " ").strip();
    if (VAGUE.contains(normalized)) {
      throw new InvalidRequestException("The reason \"" + trimmed + "\" is too vague to approve." + GOOD);
    }
    return trimmed;
  }
}
