package dev.leasehold.internal;

import dev.leasehold.InvalidRequestException;
import dev.leasehold.approval.InertText;
import java.util.List;
import java.util.Locale;

/**
 * Refuses agent text that a human will read or that is stored (the reason, the intent's actions and its
 * resources, an MCP command line) unless it is inert by {@link InertText}'s rule: the approval SPI defines
 * which characters are not inert (controls, invisible format characters and bidirectional controls, line and
 * paragraph separators, private-use, unassigned and lone surrogate code points), and the channels escape by
 * the same rule. This class only turns a refusal into Leasehold's typed error. {@link ReasonValidator} and
 * intent validation both call {@link #requireInert(String, String)}.
 */
public final class AgentText {
  private AgentText() {}

  /**
   * Fails when {@code text} contains a character that is not inert.
   *
   * @param what names the text in the error, such as {@code "The reason"} or {@code "Intent action 2"}
   * @param text the text as it will be used (after trimming)
   * @throws InvalidRequestException naming the code point and its position, never quoting the text
   */
  public static void requireInert(String what, String text) {
    int i = InertText.firstNonInert(text);
    if (i >= 0) {
      throw new InvalidRequestException(String.format(Locale.ROOT,
          "%s contains a control or invisible character (U+%04X at position %d); write it as one "
              + "line of plain text without escape sequences, tabs or newlines.", what, text.codePointAt(i), i));
    }
  }

  /**
   * Applies {@link #requireInert(String, String)} to each intent action and resource, naming them
   * "intent action N" and "resource N" (counting from 1).
   */
  public static void requireInertIntent(List<String> actions, List<String> resources) {
    for (int i = 0; i < actions.size(); i++) {
      requireInert("The intent action " + (i + 1), actions.get(i));
    }
    for (int i = 0; i < resources.size(); i++) {
      requireInert("The resource " + (i + 1), resources.get(i));
    }
  }
}
