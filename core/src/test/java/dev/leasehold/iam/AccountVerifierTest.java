package dev.leasehold.iam;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.TestResources;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.support.IamAccount;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/** The pre-deploy checklist against a WireMock IAM speaking the real Query API. */
class AccountVerifierTest {
  static final RoleCatalog CATALOG = RoleCatalog.load(TestResources.path("fixtures/reference-catalog.yaml"));
  static final String S3_DEPLOY = "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private IamAccount account;
  private IamClient iam;

  @BeforeEach
  void setUp() {
    account = IamAccount.wellConfigured(server, CATALOG);
    iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(account.endpoint())
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAADMINEXAMPLE0001", "admin-secret")))
        .build();
  }

  @AfterEach
  void tearDown() {
    iam.close();
  }

  private List<Check> verify() {
    account.install();
    return AccountVerifier.builder().catalog(CATALOG).iamClient(iam).build().verify();
  }

  private static List<String> failed(List<Check> checks) {
    return checks.stream().filter(c -> !c.passed()).map(Check::name).toList();
  }

  @Test
  void aWellConfiguredAccountPassesEveryCheck() {
    List<Check> checks = verify();

    assertThat(failed(checks)).isEmpty();
    assertThat(checks).extracting(Check::name).startsWith("agent user exists", "agent user groups",
        "agent user policies", "agent user assume-only", "role ec2-read exists", "role ec2-read max session duration",
        "role ec2-read trust policy", "role ec2-read managed policies", "role ec2-read permissions",
        "role ec2-read intent");
    assertThat(checks).hasSize(4 + 4 * 6);
    assertThat(account.requests("GetRole")).extracting(f -> f.get("RoleName"))
        .containsExactly("hermes-dev-ec2-read", "hermes-dev-s3-deploy", "hermes-dev-rds-query", "hermes-dev-cloudwatch-read");
    assertThat(account.requests("GetRole").get(0)).containsEntry("Version", "2010-05-08");
    assertThat(account.requests("GetUser").get(0)).containsEntry("UserName", "hermes-dev-agent");
  }

  @Test
  void eachRoleSaysWhetherItRequiresAnIntentWithoutFailing() {
    RoleCatalog.Builder mixed = RoleCatalog.builder(CATALOG.agent()).defaultDuration(CATALOG.defaultDuration())
        .defaultRegion(CATALOG.defaultRegion());
    CATALOG.roles().values().forEach(r ->
        mixed.role(r.key().equals("s3-deploy") ? r.toBuilder().requireIntent(true).build() : r));
    account.install();
    List<Check> checks = AccountVerifier.builder().catalog(mixed.build()).iamClient(iam).build().verify();

    assertThat(checks).filteredOn(c -> !c.passed()).extracting(Check::toString).isEmpty();
    List<Check> intent = checks.stream().filter(c -> c.name().endsWith(" intent")).toList();
    assertThat(intent).extracting(Check::name).containsExactly("role ec2-read intent", "role s3-deploy intent",
        "role rds-query intent", "role cloudwatch-read intent");
    assertThat(intent.get(1).detail()).isEqualTo("requests must declare an intent (requireIntent: true)");
    assertThat(List.of(intent.get(0), intent.get(2), intent.get(3))).allSatisfy(c -> assertThat(c.detail())
        .startsWith("does not require an intent").contains("add 'requireIntent: true'"));
  }

  @Test
  void aRoleWithoutMfaMustBeAssumableByTheBrokerAndNotByTheAgent() {
    RoleCatalog catalog = dev.leasehold.support.TestCatalogs.reference();
    String broker = catalog.broker().arn();
    IamAccount brokered = IamAccount.wellConfigured(server, catalog);
    brokered.install();

    List<Check> checks = AccountVerifier.builder().catalog(catalog).iamClient(iam).build().verify();
    assertThat(checks).filteredOn(c -> c.name().equals("role platform-read trust policy")).singleElement()
        .satisfies(c -> {
          assertThat(c.passed()).as(c.toString()).isTrue();
          assertThat(c.toString()).contains("only " + broker + " may assume it (mfa: none; the broker's identity)");
        });

    // the same role, deployed with the agent user as its principal: the agent could assume it without a human
    var agentTrusting = catalog.role("platform-read").orElseThrow().toBuilder()
        .trustPrincipal(dev.leasehold.catalog.TrustPrincipal.AGENT).build();
    brokered.role("platform-read").trust = dev.leasehold.policy.PolicyRenderer.trustPolicy(catalog, agentTrusting).toJson();
    brokered.install();
    List<Check> again = AccountVerifier.builder().catalog(catalog).iamClient(iam).build().verify();
    assertThat(again).filteredOn(c -> c.name().equals("role platform-read trust policy")).singleElement()
        .satisfies(c -> {
          assertThat(c.passed()).isFalse();
          assertThat(c.toString()).contains("the broker " + broker + " cannot assume it",
              "principals other than the broker may assume it (for example " + catalog.agent().userArn() + ")");
        });
  }

  static Stream<Arguments> misconfigurations() {
    return Stream.of(
        Arguments.of("trust without MFA condition", "role s3-deploy trust policy", "does not require MFA",
            (Consumer<IamAccount>) a -> a.role("s3-deploy").trust = a.role("s3-deploy").trust
                .replaceAll(",\\s*\"Condition\"\\s*:\\s*\\{[^}]*\\}\\s*\\}", "")),
        Arguments.of("trust open to the whole account", "role ec2-read trust policy", "principals other than the agent user",
            (Consumer<IamAccount>) a -> a.role("ec2-read").trust = a.role("ec2-read").trust
                .replace("arn:aws:iam::123456789012:user/agents/hermes-dev-agent", "arn:aws:iam::123456789012:root")),
        Arguments.of("wildcard resource in the user policy", "agent user assume-only", "wildcard resource arn:aws:iam::123456789012:role/*",
            (Consumer<IamAccount>) a -> a.userInline.put("leasehold-assume-only", a.userInline.get("leasehold-assume-only")
                .replace(S3_DEPLOY, "arn:aws:iam::123456789012:role/*"))),
        Arguments.of("AdministratorAccess attached", "role rds-query managed policies", "AdministratorAccess is attached",
            (Consumer<IamAccount>) a -> a.role("rds-query").attached.put("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")),
        Arguments.of("extra user policy", "agent user policies", "2 policies",
            (Consumer<IamAccount>) a -> a.userInline.put("old-assume-copy", a.userInline.get("leasehold-assume-only"))),
        Arguments.of("user in a group", "agent user groups", "member of [developers]",
            (Consumer<IamAccount>) a -> a.groups.add("developers")),
        Arguments.of("MaxSessionDuration 43200", "role cloudwatch-read max session duration", "MaxSessionDuration is 43200 s",
            (Consumer<IamAccount>) a -> a.role("cloudwatch-read").maxSessionDuration = 43200),
        Arguments.of("permission drift", "role s3-deploy permissions", "+ Allow s3:deleteobject on arn:aws:s3:::hermes-dev-deploy/*",
            (Consumer<IamAccount>) a -> a.role("s3-deploy").inline.put("leasehold-permissions", a.role("s3-deploy").inline
                .get("leasehold-permissions").replace("\"s3:PutObject\"", "\"s3:PutObject\", \"s3:DeleteObject\""))),
        Arguments.of("missing role", "role ec2-read exists", "missing role: IAM has no role named 'hermes-dev-ec2-read'",
            (Consumer<IamAccount>) a -> a.role("ec2-read").missing = true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misconfigurations")
  void eachMisconfigurationFailsExactlyItsCheck(String what, String check, String detail, Consumer<IamAccount> breakIt) {
    breakIt.accept(account);

    List<Check> checks = verify();

    assertThat(failed(checks)).containsExactly(check);
    assertThat(checks).filteredOn(c -> c.name().equals(check)).singleElement()
        .satisfies(c -> assertThat(c.detail()).contains(detail));
  }

  @Test
  void permissionDriftIsShownAsADiffOfStatements() {
    account.role("s3-deploy").inline.put("leasehold-permissions", account.role("s3-deploy").inline.get("leasehold-permissions")
        .replace("\"s3:GetBucketLocation\"", "\"s3:DeleteObject\""));

    Check check = verify().stream().filter(c -> c.name().equals("role s3-deploy permissions")).findFirst().orElseThrow();

    assertThat(check.passed()).isFalse();
    assertThat(check.detail().lines().skip(1)).containsExactly(
        "  - Allow s3:getbucketlocation on arn:aws:s3:::hermes-dev-deploy",
        "  - Allow s3:getbucketlocation on arn:aws:s3:::hermes-dev-deploy/*",
        "  + Allow s3:deleteobject on arn:aws:s3:::hermes-dev-deploy",
        "  + Allow s3:deleteobject on arn:aws:s3:::hermes-dev-deploy/*");
  }

  @Test
  void regroupedStatementsAndSidsAreNotDrift() {
    account.role("ec2-read").inline.put("leasehold-permissions", """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"Describe","Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},
          {"Sid":"GetAndList","Effect":"Allow","Action":["ec2:List*","EC2:Get*"],"Resource":["*"]}]}""");

    assertThat(failed(verify())).isEmpty();
  }

  @Test
  void aRevocationPolicyIsNotDrift() {
    account.role("s3-deploy").inline.put(SessionRevoker.POLICY_NAME,
        SessionRevoker.policy(java.time.Instant.parse("2026-11-23T14:30:16Z")).toJson());

    List<Check> checks = verify();

    assertThat(failed(checks)).isEmpty();
    assertThat(checks).filteredOn(c -> c.name().equals("role s3-deploy permissions")).singleElement()
        .satisfies(c -> assertThat(c.detail()).contains("AWSRevokeOlderSessions from an earlier revocation ignored"));
  }

  @Test
  void listCallsFollowMarkersToTheLastPage() {
    account.pageSize = 1;
    account.role("s3-deploy").inline.put("leasehold-permissions-2", """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::hermes-dev-deploy/*"}]}""");

    List<Check> checks = verify();

    assertThat(failed(checks)).containsExactly("role s3-deploy permissions");
    List<Map<String, String>> pages = account.requests("ListRolePolicies").stream()
        .filter(f -> f.get("RoleName").equals("hermes-dev-s3-deploy")).toList();
    assertThat(pages).hasSize(2);
    assertThat(pages.get(0)).doesNotContainKey("Marker");
    assertThat(pages.get(1)).containsEntry("Marker", "marker-1");
    assertThat(account.requests("GetRolePolicy")).extracting(f -> f.get("PolicyName"))
        .contains("leasehold-permissions-2");
  }

  @Test
  void anAttachedManagedUserPolicyIsReadFromItsDefaultVersion() {
    String arn = "arn:aws:iam::123456789012:policy/leasehold-assume-only";
    account.managedDocuments.put(arn, account.userInline.remove("leasehold-assume-only"));
    account.userAttached.put("leasehold-assume-only", arn);

    List<Check> checks = verify();

    assertThat(failed(checks)).isEmpty();
    assertThat(account.requests("GetPolicyVersion")).singleElement()
        .satisfies(f -> assertThat(f).containsEntry("PolicyArn", arn).containsEntry("VersionId", "v3"));
  }

  @Test
  void anAssumeOnlyPolicyWithAnotherActionFails() {
    account.userInline.put("leasehold-assume-only", account.userInline.get("leasehold-assume-only")
        .replace("\"sts:TagSession\"", "\"sts:TagSession\", \"s3:ListAllMyBuckets\""));

    List<Check> checks = verify();

    assertThat(failed(checks)).containsExactly("agent user assume-only");
    assertThat(checks).filteredOn(c -> !c.passed()).singleElement()
        .satisfies(c -> assertThat(c.detail()).contains("allows s3:ListAllMyBuckets, which is not assume-only"));
  }

  @Test
  void aMissingAgentUserFailsAndSkipsTheUserChecks() {
    account.install();
    server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/")
        .withFormParam("Action", com.github.tomakehurst.wiremock.client.WireMock.equalTo("GetUser"))
        .willReturn(IamAccount.error(404, "NoSuchEntity", "The user with name hermes-dev-agent cannot be found.")));

    List<Check> checks = AccountVerifier.builder().catalog(CATALOG).iamClient(iam).build().verify();

    assertThat(failed(checks)).containsExactly("agent user exists");
    assertThat(checks).extracting(Check::name).doesNotContain("agent user policies");
  }

  @Test
  void accessDeniedFailsTheCheckWithTheServiceMessage() {
    account.install();
    server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/")
        .withFormParam("Action", com.github.tomakehurst.wiremock.client.WireMock.equalTo("ListAttachedRolePolicies"))
        .willReturn(IamAccount.error(403, "AccessDenied", "User: admin is not authorized to perform: iam:ListAttachedRolePolicies")));

    List<Check> checks = AccountVerifier.builder().catalog(CATALOG).iamClient(iam).build().verify();

    assertThat(failed(checks)).allMatch(n -> n.endsWith("managed policies")).hasSize(4);
    assertThat(checks).filteredOn(c -> !c.passed()).first()
        .satisfies(c -> assertThat(c.detail()).contains("AccessDenied").contains("not authorized"));
  }
}
