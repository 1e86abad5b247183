package dev.leasehold.cli;

import dev.leasehold.support.IamAccount;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.leasehold.cli.CliRun.cli;
import static dev.leasehold.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.approval.ApprovalChannels;
import dev.leasehold.approval.console.ConsoleApprovalChannel;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.support.StsStub;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * leasehold credential-process: the console channel answered through piped streams (injected through the
 * command line's channel seam), STS on WireMock with the real Query API.
 */
class CredentialProcessCommandTest {
  static final String ACCESS_KEY_ID = "ASIALEASEHOLDCPTEST00001";
  static final String SECRET = "cpTestSecret/DoNotLeak+0123456789abcdef";
  static final String TOKEN = "FwoGZXIvYXdzELeaseholdCpTestSessionTokenDoNotLeak//////////wEaDExample";
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path home;
  Path audit;
  final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
  final List<String> channelsOpened = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws").resolve("credentials"),
        "[hermes-agent]\naws_access_key_id = AKIAAGENTEXAMPLE0001\naws_secret_access_key = agent-secret-never-printed\n");
    audit = home.resolve("audit.jsonl");
    Instant expiration = Instant.now().plusSeconds(900);
    sts.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(StsStub.success(expiration, ACCESS_KEY_ID, SECRET, TOKEN)));
  }

  /** The console channel, answered with {@code answers} as if typed on the controlling terminal. */
  private CliRun withConsoleAnswers(String answers) {
    return cli().home(home).channels((name, config) -> {
      channelsOpened.add(name);
      return ConsoleApprovalChannel.builder()
          .input(new ByteArrayInputStream(answers.getBytes(StandardCharsets.UTF_8))).output(terminal)
          .approver("alice").color(ConsoleApprovalChannel.Color.OFF).build();
    });
  }

  private String[] args(String... extra) {
    List<String> args = new ArrayList<>(List.of("credential-process", "--catalog", resource("reference-catalog.yaml"),
        "--role", "s3-deploy", "--reason", REASON, "--intent", "s3:PutObject",
        "--resource", "arn:aws:s3:::hermes-dev-deploy/releases/*", "--profile", "hermes-agent",
        "--sts-endpoint-url", "http://localhost:" + sts.getPort(), "--audit-log", audit.toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void printsOnlyTheCredentialProcessJsonAfterApproval() throws IOException {
    Result r = withConsoleAnswers("y\n481516\n").run(args());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("}\n").hasLineCount(1);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.fieldNames()).toIterable()
        .containsExactly("Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration");
    assertThat(json.get("Version").isInt()).isTrue();
    assertThat(json.get("Version").asInt()).isEqualTo(1);
    assertThat(json.get("AccessKeyId").asText()).isEqualTo(ACCESS_KEY_ID);
    assertThat(json.get("SecretAccessKey").asText()).isEqualTo(SECRET);
    assertThat(json.get("SessionToken").asText()).isEqualTo(TOKEN);
    assertThat(Instant.parse(json.get("Expiration").asText())).isAfter(Instant.now().plusSeconds(800));
    assertThat(channelsOpened).containsExactly("console");
    assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("Leasehold approval request", REASON, "APPROVED by alice");
    assertThat(r.err()).doesNotContain(SECRET, TOKEN, ACCESS_KEY_ID, "481516", "agent-secret-never-printed");
  }

  @Test
  void theApprovedCodeAndTheLeaseTermsReachSts() {
    withConsoleAnswers("y\n481516\n").run(args());

    Map<String, String> form = IamAccount.parseForm(
        sts.findAll(postRequestedFor(urlEqualTo("/"))).get(0).getBodyAsString());
    assertThat(form).containsEntry("Action", "AssumeRole")
        .containsEntry("RoleArn", "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy")
        .containsEntry("DurationSeconds", "900")
        .containsEntry("SerialNumber", "arn:aws:iam::123456789012:mfa/hermes-dev-agent")
        .containsEntry("TokenCode", "481516");
    assertThat(form.get("Policy")).contains("s3:PutObject", "arn:aws:s3:::hermes-dev-deploy/releases/*");
    assertThat(AuditVerifier.verify(audit).intact()).isTrue();
  }

  @Test
  void aDenialExitsOneWithTheReasonAndNothingOnStandardOutput() {
    Result r = withConsoleAnswers("n\nnot today\n").run(args());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("was denied by alice", "not today");
    assertThat(sts.findAll(postRequestedFor(urlEqualTo("/")))).isEmpty();
  }

  @Test
  void inputEndingBeforeADecisionExitsOne() {
    Result r = withConsoleAnswers("").run(args());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isNotBlank();
  }

  @Test
  void anStsRefusalExitsOneWithTheReason() {
    sts.stubFor(post(urlEqualTo("/")).willReturn(StsStub.error(403, "Sender", "AccessDenied", StsStub.MFA_INVALID)));

    Result r = withConsoleAnswers("y\n481516\n").run(args());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).containsIgnoringCase("mfa").doesNotContain("481516");
  }

  @Test
  void aVagueReasonIsRefusedBeforeAnyoneIsAsked() {
    List<String> args = new ArrayList<>(List.of(args()));
    args.set(args.indexOf(REASON), "do work");

    Result r = withConsoleAnswers("y\n481516\n").run(args.toArray(String[]::new));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("reason");
    assertThat(terminal.size()).isZero();
  }

  @Test
  void credentialVariablesInTheEnvironmentAreRefused() {
    Result r = withConsoleAnswers("y\n481516\n").env("AWS_ACCESS_KEY_ID", "AKIAPLANTED000000001").run(args());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("AWS_ACCESS_KEY_ID").doesNotContain("AKIAPLANTED000000001");
  }

  @Test
  void slackIsLoadedByNameAndReportedWhenNotInstalled() {
    Result r = cli().home(home).channels(ApprovalChannels::load).run(args("--approval", "slack"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("The 'slack' approval channel is not installed", "Installed channels: console",
        "leasehold-approval-slack");
  }

  @Test
  void usageErrorsExitTwo() {
    Result noReason = cli().run("credential-process", "--catalog", resource("reference-catalog.yaml"), "--role",
        "s3-deploy", "--profile", "hermes-agent");
    Result noProfile = cli().run("credential-process", "--catalog", resource("reference-catalog.yaml"), "--role",
        "s3-deploy", "--reason", REASON);

    assertThat(noReason.exit()).isEqualTo(2);
    assertThat(noReason.err()).contains("--reason");
    assertThat(noProfile.exit()).isEqualTo(2);
    assertThat(noProfile.err()).contains("--profile");
    assertThat(noReason.out() + noProfile.out()).isEmpty();
  }
}
