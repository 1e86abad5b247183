package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.InvalidRequestException;
import dev.leasehold.internal.ReasonValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The exact edges of DESIGN.md's reason rules: 12 and 256 characters, three words, no control characters. */
class ReasonBoundariesTest {

  @Test
  void twelveCharactersAreEnoughElevenAreNot() {
    assertThat(ReasonValidator.validate("ab cd efghij")).hasSize(12);
    assertThatThrownBy(() -> ReasonValidator.validate("ab cd efghi")).isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("The reason is too short (11 characters; at least 12).");
  }

  @Test
  void twoHundredFiftySixCharactersAreAllowedOneMoreIsNot() {
    String base = "rotate the keys " + "x".repeat(240);
    assertThat(ReasonValidator.validate(base)).hasSize(256);
    assertThatThrownBy(() -> ReasonValidator.validate(base + "y")).isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("The reason is too long (257 characters; at most 256)");
  }

  @Test
  void lengthCountsCharactersNotUtf16Units() {
    String rockets = "\uD83D\uDE80".repeat(8) + " a b";
    assertThat(ReasonValidator.validate(rockets)).isEqualTo(rockets);
    assertThatThrownBy(() -> ReasonValidator.validate("\uD83D\uDE80".repeat(7) + " a b"))
        .hasMessageContaining("(11 characters");
  }

  @Test
  void threeWordsAreEnoughTwoAreNot() {
    assertThat(ReasonValidator.validate("rotate keys nightly")).isEqualTo("rotate keys nightly");
    assertThatThrownBy(() -> ReasonValidator.validate("rotate-the-keys nightly"))
        .hasMessageStartingWith("The reason has 2 word(s); use at least 3.");
  }

  @Test
  void surroundingWhitespaceIsTrimmedBeforeCounting() {
    assertThat(ReasonValidator.validate("   rotate keys nightly \t")).isEqualTo("rotate keys nightly");
    assertThatThrownBy(() -> ReasonValidator.validate("   ab cd efghi   ")).hasMessageContaining("(11 characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rotate\tkeys nightly", "rotate keys\u0007 nightly", "rotate\u200Bkeys nightly",
      "rotate keys\u2028nightly", "rotate keys\u2029nightly", "rotate keys \uE000nightly", "rotate keys \u0378nightly",
      "rotate keys \uD800nightly"})
  void controlFormatSeparatorPrivateUnassignedAndSurrogateCharactersAreRefused(String reason) {
    assertThatThrownBy(() -> ReasonValidator.validate(reason)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("control or invisible character (U+");
  }

  @Test
  void theRefusalNamesTheCharacterAndItsPosition() {
    assertThatThrownBy(() -> ReasonValidator.validate("rotate\u001b[31m keys nightly"))
        .hasMessageContaining("(U+001B at position 6)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Do some work!", "  RUN THE TASK!!  ", "I need access!", "Fix the issue.", "do the thing..."})
  void vaguePhrasesAreRefusedWhateverTheirCaseAndPunctuation(String reason) {
    assertThatThrownBy(() -> ReasonValidator.validate(reason)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("is too vague to approve");
  }

  @Test
  void aNullReasonIsRefusedWithTheExample() {
    assertThatThrownBy(() -> ReasonValidator.validate(null)).isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("A reason is required.").hasMessageContaining("A good reason says");
  }
}
