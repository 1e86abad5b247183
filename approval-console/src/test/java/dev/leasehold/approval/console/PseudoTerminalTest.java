package dev.leasehold.approval.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel on a real pseudo-terminal (util-linux {@code script}), in a child JVM whose stdin is
 * /dev/null and whose stdout is a file, as under the AWS CLI's {@code credential_process}.
 */
class PseudoTerminalTest {
  private static final String CODE = "482915";

  @TempDir
  Path dir;

  @Test
  void asksOnTheControllingTerminalAndNeverEchoesTheMfaCode() {
    assumeScript();
    try (ChildJvm child = ChildJvm.onPseudoTerminal(dir, Map.of("LEASEHOLD_EXPECTED_CODE", CODE))) {
      child.awaitScreen("[y/n]").type("y\r");
      child.awaitScreen("MFA code").type(CODE + "\r");
      child.awaitScreen("APPROVED");
      assertThat(child.awaitExit()).isZero();

      String screen = child.screen();
      String prompt = "MFA code (6 digits, not shown): ";
      String whileTyping = screen.substring(screen.indexOf(prompt) + prompt.length(),
          screen.indexOf("Request req-pty-1 APPROVED"));
      assertThat(screen).containsPattern("Request +req-pty-1").doesNotContain(CODE);
      assertThat(whileTyping).as("what the terminal showed while the code was typed").isBlank();
      assertThat(child.stdout()).contains("console=null", "APPROVED req-pty-1 by alice code-matches=true");
    }
  }

  @Test
  void keysTypedBeforeTheQuestionAppearsDoNotAnswerIt() {
    assumeScript();
    try (ChildJvm child = ChildJvm.onPseudoTerminal(dir, Map.of("LEASEHOLD_EXPECTED_CODE", CODE))) {
      child.type("n\r");
      child.awaitScreen("[y/n]").type("y\r");
      child.awaitScreen("MFA code").type(CODE + "\r");
      assertThat(child.awaitExit()).isZero();
      assertThat(child.stdout()).contains("APPROVED req-pty-1 by alice code-matches=true");
    }
  }

  @Test
  void refusesToStartWithoutATerminal() {
    assumeTrue(Files.isExecutable(ChildJvm.SETSID), "util-linux 'setsid' is not installed at /usr/bin/setsid");
    try (ChildJvm child = ChildJvm.withoutTerminal(dir)) {
      child.awaitExit();
      assertThat(child.stdout()).contains("ERROR CONFIGURATION: The console approval channel found no terminal")
          .doesNotContain("APPROVED");
    }
  }

  private static void assumeScript() {
    assumeTrue(Files.isExecutable(ChildJvm.SCRIPT),
        "util-linux 'script' is not installed at /usr/bin/script (Debian/Ubuntu: apt-get install bsdutils);"
            + " the pseudo-terminal tests need it");
  }
}
