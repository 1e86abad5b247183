package dev.leasehold.approval.console;

import java.util.ArrayList;
import java.util.List;

/**
 * Wraps text for the request frame. Making agent text inert is not done here: every value is passed through
 * {@link dev.leasehold.approval.InertText#escape(String)} (the SPI's one rule) before it is wrapped.
 */
final class Text {

  private Text() {}

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
}
