package dev.leasehold.approval.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.leasehold.approval.Decision;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The MFA code, and anything typed at the code prompt, never leaves the decision. */
class LeakTest {
  private static final String CODE = "731904";

  private final PipedConsole console = new PipedConsole();

  @AfterEach
  void close() throws Exception {
    console.close();
  }

  @Test
  void theCodeIsInTheDecisionOnly() {
    console.type("y\n" + CODE + "\n");

    Decision decision = console.decide(Requests.dev("req-1").build());

    assertThat(((Decision.Approved) decision).mfaCode()).hasValueSatisfying(c -> assertThat(c.reveal()).isEqualTo(CODE));
    assertThat(console.text()).doesNotContain(CODE);
    assertThat(decision.toString()).doesNotContain(CODE);
    assertThat(console.channel.toString()).doesNotContain(CODE)
        .isEqualTo("ConsoleApprovalChannel[on the configured streams, approver=alice, timeout=none, color=OFF]");
  }

  @Test
  void malformedCodesAreNotRepeated() {
    console.type("y\n" + CODE + "0\n7319a4\n" + CODE.substring(0, 5) + "\n");

    Decision decision = console.decide(Requests.dev("req-1").build());

    assertThat(decision).isInstanceOf(Decision.Denied.class);
    assertThat(decision.toString()).doesNotContain("7319");
    assertThat(console.text()).doesNotContain("7319");
  }

  @Test
  void aCodeCutOffByTheEndOfInputIsInNoExceptionMessage() {
    console.type("y\n" + CODE.substring(0, 4)).endInput();

    Throwable thrown = catchThrowable(() -> console.channel.decide(Requests.dev("req-1").build()));

    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).contains("input ended").doesNotContain(CODE.substring(0, 4));
    assertThat(console.text()).doesNotContain(CODE.substring(0, 4));
  }
}
