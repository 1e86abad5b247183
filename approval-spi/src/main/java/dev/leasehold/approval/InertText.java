package dev.leasehold.approval;

import java.util.Locale;
import java.util.Objects;

/**
 * The one rule for text an agent writes that a person will read: the reason, the intent's actions and
 * resources, and every other field of an {@link ApprovalRequest} a channel shows. Such text is hostile, so it
 * must be <em>inert</em>: it may hold no character that steers a terminal or a renderer, hides itself, or
 * means nothing yet.
 *
 * <p>A code point is <b>not inert</b> when its Unicode general category is one of:
 * <ul>
 *   <li>{@code Cc} control: ESC and so ANSI escape sequences, carriage return, newline, tab, BEL, NUL, DEL,
 *       the C1 controls such as U+009B (CSI);
 *   <li>{@code Cf} format: zero-width space U+200B and joiners, U+2060, the byte-order mark U+FEFF, the
 *       bidirectional overrides and isolates U+202A-U+202E and U+2066-U+2069, the tag characters
 *       U+E0000-U+E007F;
 *   <li>{@code Zl} line separator U+2028 and {@code Zp} paragraph separator U+2029;
 *   <li>{@code Cn} unassigned (their meaning may change with a later Unicode version);
 *   <li>{@code Co} private use (rendered however a font likes);
 *   <li>{@code Cs} surrogate: a lone half of a surrogate pair.
 * </ul>
 * Everything else is inert, including the space, letters and marks of every script, and emoji.
 *
 * <p>Two uses, one rule: Leasehold's core refuses an agent's request whose text is not inert
 * ({@link #firstNonInert(String)}), and every channel shows request text through {@link #escape(String)},
 * so that text that reached it another way still cannot steer what the approver sees. The two agree:
 * <ul>
 *   <li>{@code escape(text)} is always inert;
 *   <li>{@code escape(text)} differs from {@code text} with its backslashes doubled exactly when
 *       {@code text} is not inert (so an inert text is shown as written);
 *   <li>{@code escape} never maps two texts to the same output: a backslash is doubled, so an escape the
 *       agent typed cannot pass for one this class wrote.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class InertText {
  private InertText() {}

  /** Whether {@code codePoint} is inert: its general category is none of those listed in the class comment. */
  public static boolean isInert(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE:
        return false;
      default:
        return true;
    }
  }

  /**
   * The {@code char} index of the first code point of {@code text} that is not inert, or -1 when the whole
   * text is inert. Read the code point there with {@code text.codePointAt(index)}.
   *
   * @throws NullPointerException when {@code text} is null
   */
  public static int firstNonInert(String text) {
    Objects.requireNonNull(text, "text == null");
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!isInert(cp)) {
        return i;
      }
      i += Character.charCount(cp);
    }
    return -1;
  }

  /**
   * {@code text} as a channel shows it: each backslash doubled, and each code point that is not inert
   * replaced by a visible escape: {@code \e} (ESC), {@code \r}, {@code \n}, {@code \t}, {@code \xNN} for
   * other code points up to U+00FF, {@code \}{@code uNNNN} up to U+FFFF, and {@code \}{@code u{NNNNN}} above.
   * Inert characters are kept as they are.
   *
   * <pre>{@code
   * InertText.escape("deploy" + (char) 27 + "[2K now\nRole: admin")  // deploy\e[2K now\nRole: admin, one line
   * InertText.escape("café déploiement")                              // café déploiement, unchanged
   * }</pre>
   *
   * @throws NullPointerException when {@code text} is null
   */
  public static String escape(String text) {
    Objects.requireNonNull(text, "text == null");
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints().forEach(cp -> {
      switch (cp) {
        case '\\' -> out.append("\\\\");
        case 0x1B -> out.append("\\e");
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (isInert(cp)) {
            out.appendCodePoint(cp);
          } else if (cp <= 0xFF) {
            out.append(String.format(Locale.ROOT, "\\x%02x", cp));
          } else if (cp <= 0xFFFF) {
            out.append(String.format(Locale.ROOT, "\\u%04x", cp));
          } else {
            out.append(String.format(Locale.ROOT, "\\u{%x}", cp));
          }
        }
      }
    });
    return out.toString();
  }
}
