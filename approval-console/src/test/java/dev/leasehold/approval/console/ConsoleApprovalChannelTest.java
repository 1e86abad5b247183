package dev.leasehold.approval.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The conversation, through real streams: what the human types decides, and nothing else does. */
class ConsoleApprovalChannelTest {

  private final PipedConsole console = new PipedConsole();

  @AfterEach
  void close() throws Exception {
    console.close();
  }

  @Test
  void approvesWithTheTypedCodeBoundToTheRequestAndTheConfiguredApprover() {
    console.type("y\n123456\n");

    Decision decision = console.decide(Requests.dev("req-1").agent("alice-impersonator").build());

    assertThat(decision).isEqualTo(Decision.Approved.withCode("req-1", "alice", MfaCode.of("123456")));
    assertThat(console.text()).contains("Request req-1 APPROVED by alice.");
  }

  @Test
  void showsEverythingTheHumanNeedsToDecide() {
    ApprovalRequest request = Requests.dev("req-1").build();
    console.type("n\n\n");

    console.decide(request);

    assertThat(console.text()).containsPattern("Request +req-1")
        .containsPattern("Digest +" + request.digest())
        .containsPattern("Agent +hermes")
        .containsPattern("Role +s3-deploy\n\\| +arn:aws:iam::123456789012:role/hermes-dev-s3-deploy")
        .containsPattern("Env +dev")
        .containsPattern("Reason +upload the nightly build artifacts to the release bucket")
        .containsPattern("Actions +s3:PutObject")
        .containsPattern("Resources +arn:aws:s3:::releases/\\*")
        .containsPattern("Lease +15m from approval")
        .containsPattern("Decide +within 5m \\(by 2030-01-02T03:09:05Z\\)")
        .doesNotContain("PRODUCTION");
  }

  @Test
  void writingActionsAreMarkedAndCounted() {
    ApprovalRequest request = Requests.dev("req-1").intentActions(List.of("s3:GetObject", "s3:PutObject"))
        .writingActions(List.of("s3:PutObject")).build();
    console.type("n\n\n");

    console.decide(request);

    assertThat(console.text()).containsPattern("Actions +s3:GetObject\n")
        .containsPattern("\\| +s3:PutObject <- WRITES")
        .containsPattern("Writes +!!! 1 of 2 actions change things");
  }

  @Test
  void aReadOnlyIntentSaysItWritesNothing() {
    console.type("n\n\n");

    console.decide(Requests.dev("req-1").intentActions(List.of("s3:GetObject")).build());

    assertThat(console.text()).containsPattern("Writes +none: every action only reads or lists")
        .doesNotContain("WRITES");
  }

  @Test
  void deniesWithTheHumansNote() {
    console.type("n\nnot during the release freeze\n");

    Decision decision = console.decide(Requests.dev("req-1").build());

    assertThat(decision).isEqualTo(new Decision.Denied("req-1", "alice", "not during the release freeze"));
    assertThat(console.text()).contains("Request req-1 DENIED by alice.");
  }

  @Test
  void reAsksForAMalformedCodeAndTakesTheNextGoodOne() {
    console.type("y\n12345\n654321\n");

    Decision decision = console.decide(Requests.dev("req-1").build());

    assertThat(decision).isEqualTo(Decision.Approved.withCode("req-1", "alice", MfaCode.of("654321")));
    assertThat(console.text()).contains("That is not a 6-digit code (attempt 1 of 3).")
        .doesNotContain("attempt 2 of 3");
  }

  @Test
  void deniesAfterThreeMalformedCodes() {
    console.type("y\n12345\nabcdef\n1234567\n123456\n");

    Decision decision = console.decide(Requests.dev("req-1").build());

    assertThat(decision).isEqualTo(new Decision.Denied("req-1", "alice", "denied after 3 malformed MFA codes"));
    assertThat(console.text()).contains("attempt 3 of 3", "3 malformed MFA codes: request req-1 DENIED.");
  }

  @Test
  void expiresWhenTheDeadlinePassesWhileTheHumanThinks() {
    CompletableFuture<Decision> decision = console.decideAsync(Requests.dev("req-1").build());
    console.awaitScreen("[y/n]");

    console.clock.advance(Duration.ofMinutes(5));

    assertThat(PipedConsole.await(decision)).isEqualTo(new Decision.Expired("req-1"));
    assertThat(console.text()).contains("No decision by 2030-01-02T03:09:05Z: request req-1 EXPIRED.");
  }

  @Test
  void expiresWhenTheDeadlinePassesDuringTheMfaPrompt() {
    CompletableFuture<Decision> decision = console.decideAsync(Requests.dev("req-1").build());
    console.type("y\n").awaitScreen("MFA code");

    console.clock.advance(Duration.ofMinutes(5));

    assertThat(PipedConsole.await(decision)).isEqualTo(new Decision.Expired("req-1"));
  }

  @Test
  void noReadOutlivesARealDeadline() throws Exception {
    try (PipedConsole real = new PipedConsole(ConsoleApprovalChannel.builder().approver("alice")
        .color(ConsoleApprovalChannel.Color.OFF), false)) {
      Instant now = Instant.now();
      long start = System.nanoTime();

      Decision decision = real.decide(Requests.dev("req-1").requestedAt(now).decideBy(now.plusMillis(300)).build());

      assertThat(decision).isEqualTo(new Decision.Expired("req-1"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
    }
  }

  @Test
  void theConfiguredTimeoutEndsTheWaitBeforeALaterDeadline() throws Exception {
    try (PipedConsole capped = new PipedConsole(ConsoleApprovalChannel.builder().approver("alice")
        .color(ConsoleApprovalChannel.Color.OFF).timeout(Duration.ofMinutes(1)))) {
      CompletableFuture<Decision> decision = capped.decideAsync(Requests.dev("req-1").build());
      capped.awaitScreen("[y/n]");

      capped.clock.advance(Duration.ofSeconds(61));

      assertThat(PipedConsole.await(decision)).isEqualTo(new Decision.Expired("req-1"));
      assertThat(capped.text()).containsPattern("Decide +within 1m \\(by 2030-01-02T03:05:05Z\\)");
    }
  }

  @Test
  void aRequestAlreadyPastItsDeadlineExpiresWithoutAPrompt() {
    Decision decision = console.decide(Requests.dev("req-1").decideBy(Requests.NOW).build());

    assertThat(decision).isEqualTo(new Decision.Expired("req-1"));
    assertThat(console.text()).isEmpty();
  }

  @Test
  void aProductionRoleIsDeniedWhenTheTypedRoleKeyDoesNotMatch() {
    console.type("y\ns3-deploy\n123456\n");

    Decision decision = console.decide(Requests.prod("req-1").build());

    assertThat(decision).isEqualTo(new Decision.Denied("req-1", "alice", "role key not confirmed"));
    assertThat(console.text()).contains("!!! PRODUCTION !!!", "PROD !!! PRODUCTION ROLE !!!",
        "type the role key (db-admin) to approve", "The role key does not match: request req-1 DENIED.")
        .doesNotContain("MFA code");
  }

  @Test
  void aProductionRoleIsApprovedOnceTheRoleKeyAndCodeAreTyped() {
    console.type("y\ndb-admin\n123456\n");

    Decision decision = console.decide(Requests.prod("req-1").build());

    assertThat(decision).isEqualTo(Decision.Approved.withCode("req-1", "alice", MfaCode.of("123456")));
  }

  @Test
  void aRoleWithoutMfaIsApprovedWithoutACode() {
    console.type("y\n");

    Decision decision = console.decide(Requests.dev("req-1").requiresMfa(false).build());

    assertThat(decision).isEqualTo(new Decision.Approved("req-1", "alice", Optional.empty()));
    assertThat(console.text()).doesNotContain("MFA code");
  }

  @Test
  void onlyYesApproves() {
    console.type("\nmaybe\nok\nyes\n123456\n");

    Decision decision = console.decide(Requests.dev("req-1").build());

    assertThat(decision).isInstanceOf(Decision.Approved.class);
    assertThat(PipedConsole.occurrences(console.text(), "Type y to approve or n to deny.")).isEqualTo(3);
  }

  @Test
  void acceptsWindowsLineEndings() {
    console.type("y\r\n123456\r\n");

    assertThat(console.decide(Requests.dev("req-1").build())).isInstanceOf(Decision.Approved.class);
  }

  @Test
  void theEndOfInputIsAnErrorAndNeverAnApproval() {
    console.type("y\n").endInput();

    assertThatThrownBy(() -> console.channel.decide(Requests.dev("req-1").build()))
        .isInstanceOfSatisfying(ApprovalChannelException.class,
            e -> assertThat(e.kind()).isEqualTo(ApprovalChannelException.Kind.UNAVAILABLE))
        .hasMessageContaining("input ended before request req-1 was decided; nothing was approved");
  }

  @Test
  void closingTheChannelExpiresTheRequestItIsAskingAbout() {
    CompletableFuture<Decision> decision = console.decideAsync(Requests.dev("req-1").build());
    console.awaitScreen("[y/n]");

    console.channel.close();

    assertThat(PipedConsole.await(decision)).isEqualTo(new Decision.Expired("req-1"));
    assertThat(console.channel.decide(Requests.dev("req-2").build())).isEqualTo(new Decision.Expired("req-2"));
  }

  @Test
  void theApproverDefaultsToTheOsUser() throws Exception {
    try (PipedConsole unnamed = new PipedConsole(ConsoleApprovalChannel.builder()
        .color(ConsoleApprovalChannel.Color.OFF))) {
      unnamed.type("y\n123456\n");

      Decision decision = unnamed.decide(Requests.dev("req-1").build());

      assertThat(((Decision.Approved) decision).approver()).isEqualTo(System.getProperty("user.name"));
    }
  }

  @Test
  void theBuilderRejectsBadSettingsSayingWhy() {
    ConsoleApprovalChannel.Builder builder = ConsoleApprovalChannel.builder();

    assertThatThrownBy(() -> builder.approver("alice\u001b[2K")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("approver must be 1-64 characters").hasMessageContaining("alice\\e[2K");
    assertThatThrownBy(() -> builder.timeout(Duration.ZERO)).hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> builder.input(new ByteArrayInputStream(new byte[0])).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("only input was set");
    assertThatThrownBy(() -> ConsoleApprovalChannel.builder().output(new ByteArrayOutputStream()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("only output was set");
  }

  @Test
  void colourIsOffOnStreamsUnlessAskedFor() throws Exception {
    try (PipedConsole auto = new PipedConsole(ConsoleApprovalChannel.builder().approver("alice"));
        PipedConsole on = new PipedConsole(ConsoleApprovalChannel.builder().approver("alice")
            .color(ConsoleApprovalChannel.Color.ON))) {
      auto.type("n\n\n").decide(Requests.prod("req-1").build());
      on.type("n\n\n").decide(Requests.prod("req-1").build());

      assertThat(auto.bytes()).doesNotContain((byte) 0x1B);
      assertThat(on.text()).contains("\u001b[1;31m!!! PRODUCTION !!!\u001b[0m");
    }
  }
}
