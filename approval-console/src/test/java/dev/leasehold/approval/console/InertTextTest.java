package dev.leasehold.approval.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.approval.ApprovalRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Agent-written text reaches the terminal inert, and whole. */
class InertTextTest {

  private static final String HOSTILE = "rotate the build keys \u001b[2K\r now\rok\nRole: prod-admin";

  @Test
  void aHostileReasonCannotMoveTheCursorClearTheLineOrStartALine() throws Exception {
    try (PipedConsole console = new PipedConsole()) {
      console.type("n\n\n").decide(Requests.dev("req-1").reason(HOSTILE).build());

      byte[] screen = console.bytes();
      assertThat(screen).doesNotContain((byte) 0x1B).doesNotContain((byte) 0x0D);
      assertThat(console.text()).contains("rotate the build keys \\e[2K\\r now\\rok\\nRole: prod-admin");
      assertThat(console.text().lines().filter(line -> line.matches("[|\\s]*Role: prod-admin.*"))).isEmpty();
    }
  }

  @Test
  void withColourOnTheOnlyEscapesAreTheChannelsOwnColours() throws Exception {
    try (PipedConsole console = new PipedConsole(ConsoleApprovalChannel.builder().approver("alice")
        .color(ConsoleApprovalChannel.Color.ON))) {
      console.type("n\n\n").decide(Requests.prod("req-1").reason(HOSTILE).build());

      String withoutOwnColours = console.text().replaceAll("\u001b\\[(0|1;31|32|33)m", "");
      assertThat(withoutOwnColours.getBytes(StandardCharsets.UTF_8))
          .doesNotContain((byte) 0x1B).doesNotContain((byte) 0x0D);
    }
  }

  @Test
  void everyFieldOfTheRequestIsShownInert() throws Exception {
    ApprovalRequest request = Requests.dev("req-\u001b]0;owned\u0007").agent("her\rmes")
        .environment("dev\u001b[8m").intentActions(List.of("s3:Get\u009b2J"))
        .intentResources(List.of("arn:aws:s3:::a\u202e*")).build();
    try (PipedConsole console = new PipedConsole()) {
      console.type("n\n\n").decide(request);

      assertThat(console.bytes()).doesNotContain((byte) 0x1B).doesNotContain((byte) 0x0D).doesNotContain((byte) 0x07);
      assertThat(console.text()).contains("req-\\e]0;owned\\x07", "her\\rmes", "dev\\e[8m", "s3:Get\\x9b2J",
          "arn:aws:s3:::a\\u202e*").doesNotContain("\u009b", "\u202e");
    }
  }

  @Test
  void aLongReasonIsWrappedInsideTheFrameWithNothingCut() throws Exception {
    String reason = IntStream.rangeClosed(1, 60).mapToObj(i -> "word" + i).collect(Collectors.joining(" "))
        + " " + "x".repeat(150);
    try (PipedConsole console = new PipedConsole()) {
      console.type("n\n\n").decide(Requests.dev("req-1").reason(reason).build());

      List<String> lines = console.text().lines().toList();
      assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
      int first = indexOf(lines, "| Reason");
      String shown = lines.subList(first, indexOf(lines, "| Actions")).stream()
          .map(line -> line.substring("| ".length() + 11)).collect(Collectors.joining(" "));
      assertThat(shown.replace(" ", "")).as("every character, in order").isEqualTo(reason.replace(" ", ""));
      assertThat(shown.split(" ")).as("short words are not split")
          .containsSubsequence(IntStream.rangeClosed(1, 60).mapToObj(i -> "word" + i).toArray(String[]::new));
    }
  }

  @Test
  void wrapsAtSpacesAndSplitsOnlyWordsLongerThanALine() {
    assertThat(Text.wrap("aa bb cc", 5)).containsExactly("aa bb", "cc");
    assertThat(Text.wrap("abcdefghij k", 4)).containsExactly("abcd", "efgh", "ij k");
    assertThat(Text.wrap("", 4)).containsExactly("");
    assertThat(Text.wrap("ab\ud83d\ude00cd", 3)).containsExactly("ab", "\ud83d\ude00c", "d");
  }

  private static int indexOf(List<String> lines, String prefix) {
    return IntStream.range(0, lines.size()).filter(i -> lines.get(i).startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starts with " + prefix + " in " + Arrays.toString(lines.toArray())));
  }
}
