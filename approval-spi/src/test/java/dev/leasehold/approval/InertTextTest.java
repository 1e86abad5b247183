package dev.leasehold.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InertTextTest {

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {
      0x00, 0x07, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0x9B, // Cc: NUL, BEL, tab, newline, CR, ESC, DEL, CSI
      0xAD, 0x200B, 0x200D, 0x2060, 0xFEFF, 0x202A, 0x202E, 0x2066, 0x2069, 0xE0001, 0xE0041, // Cf
      0x2028, // Zl
      0x2029, // Zp
      0x0378, 0xFFFF, 0x10FFFF, // Cn
      0xE000, 0xF8FF, 0xF0000, // Co
      0xD800, 0xDBFF, 0xDC00, 0xDFFF}) // Cs
  void eachRefusedCategoryIsNotInert(int codePoint) {
    String text = "ab" + new String(Character.toChars(codePoint)) + "c";

    assertThat(InertText.isInert(codePoint)).isFalse();
    assertThat(InertText.firstNonInert(text)).isEqualTo(2);
    assertThat(InertText.escape(text)).doesNotContain(new String(Character.toChars(codePoint)));
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {' ', 'a', 'Z', '0', '\\', '<', '&', 0xE9, 0x0301, 0x00A0, 0x3000, 0x914D, 0x05D0,
      0x1F600, 0x1F1EB})
  void lettersMarksSpacesSymbolsAndEmojiAreInert(int codePoint) {
    assertThat(InertText.isInert(codePoint)).isTrue();
  }

  @Test
  void findsTheFirstNonInertCodePointByCharIndex() {
    assertThat(InertText.firstNonInert("")).isEqualTo(-1);
    assertThat(InertText.firstNonInert("café déploiement 配置 \ud83d\ude00")).isEqualTo(-1);
    assertThat(InertText.firstNonInert("\ud83d\ude00 x\u202ey\u001b")).isEqualTo(4);
    assertThat(InertText.firstNonInert("ok \ud800")).isEqualTo(3);
    assertThat(InertText.firstNonInert("tag \udb40\udc41")).isEqualTo(4);
  }

  @Test
  void escapesEveryKindOfInvisibleOrSteeringCharacterVisibly() {
    assertThat(InertText.escape("a\tb\u0000c\u007fd")).isEqualTo("a\\tb\\x00c\\x7fd");
    assertThat(InertText.escape("\u2028\u2029\u200b\ufeff")).isEqualTo("\\u2028\\u2029\\u200b\\ufeff");
    assertThat(InertText.escape("hidden\udb40\udc41")).isEqualTo("hidden\\u{e0041}");
    assertThat(InertText.escape("lone \ud800 surrogate")).isEqualTo("lone \\ud800 surrogate");
    assertThat(InertText.escape("typed \\e by the agent")).isEqualTo("typed \\\\e by the agent");
    assertThat(InertText.escape("café déploiement 配置")).isEqualTo("café déploiement 配置");
  }

  @Test
  void namesEscapeCarriageReturnAndNewlineAndSpellsTheRestInHex() {
    assertThat(InertText.escape("\u001b[2K\r\n\u009b")).isEqualTo("\\e[2K\\r\\n\\x9b");
    assertThat(InertText.escape("private \ue000 unassigned \u0378")).isEqualTo("private \\ue000 unassigned \\u0378");
  }

  @Test
  void anEscapeTheAgentTypedNeverLooksLikeOneOfOurs() {
    assertThat(InertText.escape("\\e")).isNotEqualTo(InertText.escape("\u001b"));
    assertThat(InertText.escape("\\x00")).isNotEqualTo(InertText.escape("\u0000"));
    assertThat(InertText.escape("\\u202e")).isNotEqualTo(InertText.escape("\u202e"));
    assertThat(InertText.escape("\\u{e0041}")).isNotEqualTo(InertText.escape("\udb40\udc41"));
  }

  /**
   * Over every code point: the escape is inert, and it changes more than the backslashes exactly when the
   * text is refused, so what core refuses and what a channel escapes are the same set.
   */
  @Test
  void refusingAndEscapingAgreeOnEveryCodePoint() {
    List<String> disagreements = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      String text = "x\\" + new String(Character.toChars(cp)) + "y";
      String escaped = InertText.escape(text);
      boolean refused = InertText.firstNonInert(text) >= 0;
      boolean changed = !escaped.equals(text.replace("\\", "\\\\"));
      if (refused == InertText.isInert(cp) || refused != changed || InertText.firstNonInert(escaped) >= 0) {
        disagreements.add(String.format(Locale.ROOT, "U+%04X", cp));
      }
    }
    assertThat(disagreements).isEmpty();
  }

  @Test
  void nullIsRefusedByName() {
    assertThatNullPointerException().isThrownBy(() -> InertText.firstNonInert(null)).withMessage("text == null");
    assertThatNullPointerException().isThrownBy(() -> InertText.escape(null)).withMessage("text == null");
  }
}
