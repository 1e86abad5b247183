package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.cli;
import static dev.leasehold.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.testing.AwsStandIn;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** leasehold demo: the README's story, with answers piped on standard input. */
class DemoCommandTest {
  static final Duration LIMIT = Duration.ofSeconds(45);

  private static Result demo(String answers, String... env) {
    CliRun run = cli().stdin(answers);
    for (int i = 0; i < env.length; i += 2) {
      run.env(env[i], env[i + 1]);
    }
    return assertTimeoutPreemptively(LIMIT, () -> run.run("demo"));
  }

  private static String answers() throws IOException {
    return Files.readString(Path.of(resource("demo-answers.txt")));
  }

  @Test
  void theWholeStoryWithPipedAnswers() throws IOException {
    Result r = demo(answers());

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).containsSubsequence(
        "Started a local STS and S3 stand-in on http://127.0.0.1:",
        "approvals are read from standard input",
        "The agent asks for role 's3-deploy'",
        "Leasehold approval request",
        "APPROVED by",
        "Leasehold called AssumeRole once: DurationSeconds=900, SerialNumber=arn:aws:iam::123456789012:mfa/hermes-dev-agent, a TokenCode of 6 digits",
        "15 minutes from now",
        "Allowed calls through the guarded S3 client: PutObject", "(the same bytes)",
        "Out-of-scope call: DeleteObject", "refused before it left the process", "The S3 stand-in received 0 requests for it.",
        "A vague reason", "Refused before any human was asked",
        "An intent the role does not allow: ec2:TerminateInstances",
        "This time the human says no",
        "DENIED by",
        "Denied by", "(note: \"not during the release freeze\")",
        "Refused from the cool-down; the human was NOT asked again",
        "The audit trail, one record per step:",
        "call-allowed", "call-refused", "denied",
        "audit trail intact (12 records",
        "Demo finished.");
    assertThat(Pattern.compile("Leasehold approval request").matcher(r.out()).results().count())
        .as("exactly two prompts: the approval and the denial; the cool-down asks nobody").isEqualTo(2);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void noSecretIsPrinted() throws IOException {
    Result r = demo(answers());

    assertThat(r.all()).doesNotContain(AwsStandIn.KEY_PREFIX, AwsStandIn.SECRET_PREFIX, AwsStandIn.TOKEN_PREFIX,
        DemoCommand.BASE_SECRET, DemoCommand.BASE_KEY, "481516");
  }

  @Test
  void inputEndingBeforeTheFirstDecisionStopsWithExitOne() {
    Result r = demo("");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("leasehold demo: The approval got no answer");
    assertThat(r.out()).doesNotContain("Demo finished.");
  }

  @Test
  void denyingTheFirstRequestStopsWithExitOne() {
    Result r = demo("n\n\n");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("You denied the first request");
  }

  @Test
  void credentialVariablesAreNamedAndTheCheckIsDowngradedForTheLoopbackDemo() throws IOException {
    Result r = demo(answers(), "AWS_SECRET_ACCESS_KEY", "planted-demo-env-secret");

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("your environment sets [AWS_SECRET_ACCESS_KEY]", "warnOnlyOnCredentialVariables()");
    assertThat(r.all()).doesNotContain("planted-demo-env-secret");
  }

  @Test
  void runsInAChildJvmWithAnswersPipedFromTheCommittedFile(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.leasehold.cli.Main", "demo")
        .redirectInput(new File(resource("demo-answers.txt")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    Process child = pb.start();
    try {
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the demo finishes by itself within a minute").isTrue();
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(child.exitValue()).as(stdout + Files.readString(err)).isZero();
      assertThat(stdout).contains("approvals are read from standard input", "audit trail intact", "Demo finished.");
      assertThat(Files.readString(err)).doesNotContain("Exception", "WARNING");
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void theCommittedAnswersFileIsWhatTheDocsShow() throws IOException {
    assertThat(Files.readAllLines(Path.of(resource("demo-answers.txt"))))
        .isEqualTo(List.of("y", "481516", "n", "not during the release freeze"));
  }
}
