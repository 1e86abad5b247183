package dev.leasehold.cli;

import dev.leasehold.support.IamAccount;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.leasehold.cli.CliRun.cli;
import static dev.leasehold.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.policy.EvaluationRequest;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** leasehold verify and leasehold revoke against a WireMock IAM speaking the real Query API. */
class VerifyAndRevokeCommandsTest {
  static final String CATALOG = resource("reference-catalog.yaml");
  static final String S3_DEPLOY = "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path home;
  IamAccount account;
  Path credentials;

  @BeforeEach
  void setUp() throws IOException {
    account = IamAccount.wellConfigured(server, RoleCatalog.load(Path.of(CATALOG)));
    credentials = Files.createDirectories(home.resolve(".aws")).resolve("credentials");
    Files.writeString(credentials, """
        [hermes]
        aws_access_key_id = AKIAAGENTEXAMPLE0001
        aws_secret_access_key = agent-secret-never-printed
        """);
    // The operator's admin profile lives in the config file; the credentials file holds only the agent's keys.
    Files.writeString(home.resolve(".aws").resolve("config"), """
        [profile admin]
        aws_access_key_id = AKIAADMINEXAMPLE0001
        aws_secret_access_key = admin-secret-never-printed
        """);
  }

  private CliRun cliAtHome() {
    return cli().home(home);
  }

  private Result verify(String... extra) {
    account.install();
    List<String> args = new java.util.ArrayList<>(List.of("verify", "--catalog", CATALOG, "--profile", "admin",
        "--iam-endpoint-url", account.endpoint().toString()));
    args.addAll(List.of(extra));
    return cliAtHome().run(args.toArray(String[]::new));
  }

  private static List<String> failLines(Result r) {
    return r.out().lines().filter(l -> l.startsWith("FAIL ")).toList();
  }

  @Test
  void aWellConfiguredAccountPassesEveryCheckAndExitsZero() {
    Result r = verify();

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(failLines(r)).isEmpty();
    assertThat(r.out().lines().filter(l -> l.startsWith("PASS "))).hasSize(4 + 4 * 6 + 2);
    assertThat(r.out()).contains("PASS role s3-deploy trust policy: only arn:aws:iam::123456789012:user/agents/hermes-dev-agent may assume it, with MFA")
        .contains("PASS role ec2-read intent: does not require an intent")
        .contains("30 checks: 30 passed, 0 failed. The account matches the catalog.");
    assertThat(account.requests("GetRole")).anySatisfy(f -> assertThat(f)
        .containsEntry("Action", "GetRole").containsEntry("RoleName", "hermes-dev-s3-deploy").containsEntry("Version", "2010-05-08"));
    assertThat(r.all()).doesNotContain("admin-secret-never-printed", "AKIAADMIN");
  }

  /**
   * The real entry point in a child JVM: HOME names one folder, {@code user.home} another, as when a tool
   * runs with {@code HOME=/x}. The AWS CLI and the SDKs read {@code $HOME/.aws}; so must leasehold.
   */
  @Test
  void theRealCommandFindsProfilesUnderHomeBeforeUserHome(@TempDir Path elsewhere) throws Exception {
    account.install();
    Path otherAws = Files.createDirectories(elsewhere.resolve(".aws"));
    Files.writeString(otherAws.resolve("credentials"), """
        [hermes]
        aws_access_key_id = AKIAAGENTEXAMPLE0001
        aws_secret_access_key = agent-secret-never-printed
        [stale]
        aws_access_key_id = AKIASTALEEXAMPLE0001
        aws_secret_access_key = stale-secret-never-printed
        """);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = elsewhere.resolve("stdout.txt");
    Path err = elsewhere.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(java, "-Duser.home=" + elsewhere, "-cp", System.getProperty("java.class.path"),
        "dev.leasehold.cli.Main", "verify", "--catalog", CATALOG, "--profile", "admin",
        "--iam-endpoint-url", account.endpoint().toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().put("HOME", home.toString());
    Process child = pb.start();
    try {
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("verify finishes within a minute").isTrue();
      String stdout = Files.readString(out);
      assertThat(child.exitValue()).as(stdout + Files.readString(err)).isZero();
      assertThat(stdout).contains("PASS local credentials file: " + credentials + " holds keys for no profile but 'hermes'")
          .doesNotContain(elsewhere.toString());
      assertThat(server.getAllServeEvents()).isNotEmpty().allSatisfy(e -> assertThat(e.getRequest().getHeader("Authorization"))
          .as("signed with the admin profile from $HOME/.aws/config").contains("Credential=AKIAADMINEXAMPLE0001/"));
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aTildeInTheFileVariablesMeansHome() {
    Result r = cliAtHome().env("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials").env("AWS_CONFIG_FILE", "~/.aws/config")
        .run("verify", "--catalog", CATALOG, "--profile", "admin", "--iam-endpoint-url", installed());

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("PASS local credentials file: " + credentials + " holds keys for no profile but 'hermes'");
  }

  private String installed() {
    account.install();
    return account.endpoint().toString();
  }

  static Stream<Arguments> misconfigurations() {
    return Stream.of(
        Arguments.of("no MFA condition", "FAIL role s3-deploy trust policy: it does not require MFA",
            (Consumer<IamAccount>) a -> a.role("s3-deploy").trust = a.role("s3-deploy").trust
                .replaceAll(",\\s*\"Condition\"\\s*:\\s*\\{[^}]*\\}\\s*\\}", "")),
        Arguments.of("wildcard resource in the user policy", "FAIL agent user assume-only: inline policy leasehold-assume-only allows wildcard resource",
            (Consumer<IamAccount>) a -> a.userInline.put("leasehold-assume-only", a.userInline.get("leasehold-assume-only")
                .replace(S3_DEPLOY, "arn:aws:iam::123456789012:role/*"))),
        Arguments.of("AdministratorAccess attached", "FAIL role rds-query managed policies: AdministratorAccess is attached",
            (Consumer<IamAccount>) a -> a.role("rds-query").attached.put("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")),
        Arguments.of("extra user policy", "FAIL agent user policies: 2 policies (inline leasehold-assume-only, inline old-copy)",
            (Consumer<IamAccount>) a -> a.userInline.put("old-copy", a.userInline.get("leasehold-assume-only"))),
        Arguments.of("MaxSessionDuration 43200", "FAIL role cloudwatch-read max session duration: MaxSessionDuration is 43200 s",
            (Consumer<IamAccount>) a -> a.role("cloudwatch-read").maxSessionDuration = 43200),
        Arguments.of("permission drift", "FAIL role s3-deploy permissions: inline permissions differ from the catalog",
            (Consumer<IamAccount>) a -> a.role("s3-deploy").inline.put("leasehold-permissions", a.role("s3-deploy").inline
                .get("leasehold-permissions").replace("\"s3:PutObject\"", "\"s3:PutObject\", \"s3:DeleteObject\""))),
        Arguments.of("missing role", "FAIL role ec2-read exists: missing role: IAM has no role named 'hermes-dev-ec2-read'",
            (Consumer<IamAccount>) a -> a.role("ec2-read").missing = true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misconfigurations")
  void eachMisconfigurationFailsExactlyItsCheckAndExitsOne(String what, String failLine, Consumer<IamAccount> breakIt) {
    breakIt.accept(account);

    Result r = verify();

    assertThat(r.exit()).as(r.all()).isEqualTo(1);
    assertThat(failLines(r)).singleElement().satisfies(l -> assertThat(l).startsWith(failLine));
    assertThat(r.out()).contains("1 failed. Fix the failures before pointing the agent at this account.");
  }

  @Test
  void driftIsPrintedAsAnIndentedDiff() {
    account.role("s3-deploy").inline.put("leasehold-permissions", account.role("s3-deploy").inline.get("leasehold-permissions")
        .replace("\"s3:GetBucketLocation\"", "\"s3:DeleteObject\""));

    Result r = verify();

    assertThat(r.out()).contains("\n      - Allow s3:getbucketlocation on arn:aws:s3:::hermes-dev-deploy\n")
        .contains("\n      + Allow s3:deleteobject on arn:aws:s3:::hermes-dev-deploy/*\n");
  }

  @Test
  void credentialVariablesAndOtherProfilesOnThisMachineFail() throws IOException {
    Path other = Files.writeString(home.resolve("other-credentials"), "[hermes]\naws_access_key_id = AKIAAGENTEXAMPLE0001\n"
        + "aws_secret_access_key = a\n[admin]\naws_access_key_id = AKIAADMINEXAMPLE0002\naws_secret_access_key = x\n");
    account.install();

    Result r = cliAtHome().env("AWS_SESSION_TOKEN", "planted-session-token-value")
        .run("verify", "--catalog", CATALOG, "--profile", "admin", "--credentials-file", other.toString(),
            "--iam-endpoint-url", account.endpoint().toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(failLines(r)).containsExactly(
        "FAIL local credential variables: [AWS_SESSION_TOKEN] set: any process here can use them without approval; "
            + "unset them and give the agent a profile instead",
        "FAIL local credentials file: " + other + " holds keys for [admin] besides the agent's 'hermes': the "
            + "agent could use them without approval; move them off this machine");
    assertThat(r.all()).doesNotContain("planted-session-token-value");
  }

  @Test
  void skipLocalLeavesOutTheMachineChecks() {
    Result r = verify("--skip-local");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).doesNotContain("local credential").contains("(local checks skipped)");
  }

  @Test
  void verifyUsageErrors() {
    assertThat(cli().run("verify").exit()).isEqualTo(2);
    Result badUrl = cli().run("verify", "--catalog", CATALOG, "--iam-endpoint-url", "localhost:9");
    assertThat(badUrl.exit()).isEqualTo(2);
    assertThat(badUrl.err()).contains("--iam-endpoint-url must be an http(s) URL");
  }

  @Test
  void anUnknownProfileExitsOne() {
    Result r = cli().home(home).run("verify", "--catalog", CATALOG, "--profile", "nobody",
        "--iam-endpoint-url", "http://127.0.0.1:9");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("No AWS profile named 'nobody'");
  }

  // -------------------------------------------------------------------------------------------- revoke

  static final Instant NOW = Instant.parse("2026-11-23T14:30:16.250Z");

  private Result revoke(String role) {
    account.install();
    return cliAtHome().clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .run("revoke", "--catalog", CATALOG, "--role", role, "--profile", "admin",
            "--iam-endpoint-url", account.endpoint().toString());
  }

  @Test
  void revokePutsTheRevocationPolicyAndSaysWhatItDid() {
    Result r = revoke("s3-deploy");

    assertThat(r.exit()).as(r.all()).isZero();
    Map<String, String> form = account.requests("PutRolePolicy").get(0);
    assertThat(form).containsEntry("RoleName", "hermes-dev-s3-deploy").containsEntry("PolicyName", "AWSRevokeOlderSessions");
    PolicyEvaluator document = PolicyEvaluator.of(PolicyDocument.parse(form.get("PolicyDocument")));
    assertThat(document.evaluate(issuedAt("2026-11-23T14:29:00Z"))).isEqualTo(EvaluationResult.EXPLICIT_DENY);
    assertThat(document.evaluate(issuedAt("2026-11-23T14:31:00Z"))).isNotEqualTo(EvaluationResult.EXPLICIT_DENY);
    assertThat(r.out()).contains("Revoked every session of role s3-deploy (" + S3_DEPLOY + ") issued before 2026-11-23T14:30:16.250Z")
        .contains("AWSRevokeOlderSessions").contains("does not work on service-linked roles");
  }

  private static EvaluationRequest issuedAt(String time) {
    return EvaluationRequest.builder("s3:GetObject", "arn:aws:s3:::hermes-dev-deploy/a").context("aws:TokenIssueTime", time).build();
  }

  @Test
  void revokeRefusedByIamExitsOneWithTheReason() {
    account.install();
    server.stubFor(post("/").withFormParam("Action", equalTo("PutRolePolicy"))
        .willReturn(IamAccount.error(403, "AccessDenied", "User: admin is not authorized to perform: iam:PutRolePolicy")));

    Result r = cliAtHome().run("revoke", "--catalog", CATALOG, "--role", "s3-deploy", "--profile", "admin",
            "--iam-endpoint-url", account.endpoint().toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("AccessDenied", "iam:PutRolePolicy");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void revokeUsageErrors() {
    assertThat(cli().run("revoke", "--catalog", CATALOG).exit()).isEqualTo(2);
    Result unknown = revoke("admin");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown role 'admin'");
    assertThat(account.requests("PutRolePolicy")).isEmpty();
  }
}
