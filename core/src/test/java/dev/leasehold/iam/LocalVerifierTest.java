package dev.leasehold.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local half of the checklist: credential variables and the shared credentials file. */
class LocalVerifierTest {
  @TempDir Path dir;

  @Test
  void aCleanMachinePasses() throws IOException {
    Path file = Files.writeString(dir.resolve("credentials"), """
        [hermes]
        aws_access_key_id = AKIAAGENTEXAMPLE0001
        aws_secret_access_key = agent-secret
        """);

    List<Check> checks = LocalVerifier.verify(Map.of("HOME", "/home/agent", "AWS_ACCESS_KEY_ID", ""), file, "hermes");

    assertThat(checks).allMatch(Check::passed).extracting(Check::name)
        .containsExactly("local credential variables", "local credentials file");
  }

  @Test
  void credentialVariablesFailByNameWithoutTheirValues() {
    List<Check> checks = LocalVerifier.verify(Map.of("AWS_SECRET_ACCESS_KEY", "planted-secret-value",
        "AWS_SESSION_TOKEN", "planted-token"), dir.resolve("none"), "hermes");

    Check check = checks.get(0);
    assertThat(check.passed()).isFalse();
    assertThat(check.detail()).contains("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
        .doesNotContain("planted-secret-value", "planted-token");
    assertThat(checks.get(1).passed()).isTrue();
  }

  @Test
  void otherProfilesWithKeysFail() throws IOException {
    Path file = Files.writeString(dir.resolve("credentials"), """
        [hermes]
        aws_access_key_id = AKIAAGENTEXAMPLE0001
        aws_secret_access_key = agent-secret
        [admin]
        aws_access_key_id = AKIAADMINEXAMPLE0001
        aws_secret_access_key = admin-secret-do-not-print
        [sso-only]
        region = us-east-1
        """);

    Check check = LocalVerifier.verify(Map.of(), file, "hermes").get(1);

    assertThat(check.passed()).isFalse();
    assertThat(check.detail()).contains("[admin]").doesNotContain("sso-only", "admin-secret-do-not-print", "AKIAADMIN");
  }
}
