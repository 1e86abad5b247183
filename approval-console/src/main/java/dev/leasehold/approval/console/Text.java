package dev.leasehold.approval.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes agent-written text safe to print on a terminal, and wraps it.
 *
 * <p>{@link #inert(String)} is the one place where text from a request is made harmless: every control,
 * format and line/paragraph separator character is replaced by a visible escape, so no ANSI sequence,
 * carriage return, newline, bidi override or invisible tag character ever reaches the terminal. A
 * backslash is doubled so that an escape the agent typed cannot pass for one this class produced.
 */
final class Text {

  private Text() {}

  /** {@code text} with every character that could steer a terminal replaced by a visible escape. */
  static String inert(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints().forEach(cp -> {
      switch (cp) {
        case '\\' -> out.append("\\\\");
        case 0x1B -> out.append("\\e");
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (!isUnsafe(cp)) {
            out.appendCodePoint(cp);
          } else if (cp <= 0xFF) {
            out.append(String.format("\\x%02x", cp));
          } else if (cp <= 0xFFFF) {
            out.append(String.format("\\u%04x", cp));
          } else {
            out.append(String.format("\\u{%x}", cp));
          }
        }
      }
    });
    return out.toString();
  }

  private static boolean isUnsafe(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE:
        return true;
      default:
        return false;
    }
  }

  /**
   * Splits {@code text} into lines of at most {@code width} characters, breaking at spaces and splitting
   * words longer than a line. Nothing but the spaces at the breaks is dropped.
   */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ", -1)) {
      if (word.isEmpty()) {
        continue;
      }
      if (line.length() > 0 && line.length() + 1 + word.length() <= width) {
        line.append(' ').append(word);
        continue;
      }
      if (line.length() > 0) {
        lines.add(line.toString());
        line.setLength(0);
      }
      while (word.length() > width) {
        int cut = Character.isHighSurrogate(word.charAt(width - 1)) ? width - 1 : width;
        lines.add(word.substring(0, cut));
        word = word.substring(cut);
      }
      line.append(word);
    }
    if (line.length() > 0 || lines.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** A duration for humans: {@code 1h 5m}, {@code 4m 59s}, {@code 45s}. */
  static String duration(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    if (h > 0) {
      return h + "h" + (m > 0 ? " " + m + "m" : "");
    }
    if (m > 0) {
      return m + "m" + (s > 0 ? " " + s + "s" : "");
    }
    return s + "s";
  }
}
