package dev.leasehold.internal;

import dev.leasehold.InvalidRequestException;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for text an agent writes that a human will read or that is stored: the reason, the intent's
 * actions and its resources. Such text is hostile, so it must be inert: no control characters (ESC, tab,
 * newline, ...), no invisible format characters (U+200B zero-width space, U+2060, ...), no bidirectional
 * overrides or isolates (U+202A-U+202E, U+2066-U+2069), no line or paragraph separators, no private-use,
 * unassigned or lone surrogate code points. {@link ReasonValidator} and intent validation both call
 * {@link #requireInert(String, String)}; nothing else decides what is inert.
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
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!inert(cp)) {
        throw new InvalidRequestException(String.format(Locale.ROOT,
            "%s contains a control or invisible character (U+%04X at position %d); write it as one "
                + "line of plain text without escape sequences, tabs or newlines.", what, cp, i));
      }
      i += Character.charCount(cp);
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

  private static boolean inert(int cp) {
    int type = Character.getType(cp);
    return !(type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
        || type == Character.SURROGATE);
  }
}
