package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.AwsSessionFactory;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.broker.LeaseBroker;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A broker running in the test JVM with a FakeApprover, in front of the AwsStandIn STS and S3 stand-in; the
 * agent gets a home folder with no AWS files and only the broker's URL and a token file.
 */
final class BrokerFixture implements AutoCloseable {
  static final String AWS_CLI = "/usr/bin/aws";
  static final String PYTHON = "/usr/bin/python3";
  static final String TOKEN = "agent-client-token-for-tests-0123456789abcdefgh";
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";
  static final String BASE_SECRET = "brokerBaseSecretNeverSeenByTheAgent0123456789";

  /**
   * Creates {@code home} with the operator's base profile {@code hermes-agent} in {@code .aws/credentials}, as a
   * broker process started with that {@code HOME} reads it.
   */
  static Path brokerHome(Path home) throws IOException {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws").resolve("credentials"),
        "[hermes-agent]\naws_access_key_id = AKIABROKERBASE000001\naws_secret_access_key = broker-base-secret-0001\n");
    return home;
  }

  final AwsStandIn aws;
  final FakeApprover approver;
  final AwsSessionFactory factory;
  final JsonLinesAuditSink sink;
  final LeaseBroker broker;
  final Path agentHome;
  final Path tokenFile;
  final Path auditFile;

  BrokerFixture(Path dir, FakeApprover approver, Clock clock) throws IOException {
    requireDebianClients();
    RoleCatalog catalog = RoleCatalog.load(Path.of(CliRun.resource("broker-catalog.yaml")));
    this.aws = DemoCommand.standIn(catalog, clock);
    this.approver = approver;
    this.auditFile = dir.resolve("broker-audit.jsonl");
    this.sink = new JsonLinesAuditSink(auditFile);
    this.factory = AwsSessionFactory.builder().catalog(catalog)
        .baseCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIABROKERBASE000001", BASE_SECRET)))
        .approvalChannel(approver).auditSink(sink).stsEndpoint(aws.endpoint()).clock(clock)
        .environment(Map.of()).systemProperties(new Properties()).build();
    this.broker = LeaseBroker.builder().sessions(factory).auditSink(sink).client("hermes", TOKEN).clock(clock).start();
    this.agentHome = Files.createDirectories(dir.resolve("agent-home"));
    this.tokenFile = dir.resolve("client-token");
    Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tokenFile, TOKEN + "\n");
  }

  /** The Debian packages CI installs: their absence is a failure, not a skip. */
  static void requireDebianClients() {
    assertThat(Path.of(AWS_CLI)).as("Debian's awscli package (apt-get install awscli)").isExecutable();
    assertThat(Path.of(PYTHON)).as("Debian's python3").isExecutable();
  }

  /** The agent's environment: a home with no AWS files, a region, and planted credentials exec must remove. */
  CliRun agentCli() {
    return CliRun.cli().home(agentHome)
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", agentHome.toString())
        .env("LANG", "C.UTF-8")
        .env("AWS_DEFAULT_REGION", "ap-northeast-2")
        .env("AWS_PAGER", "")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIAPLANTEDBYAGENT001")
        .env("AWS_SECRET_ACCESS_KEY", "plantedSecretThatMustNotBeUsed")
        .env("AWS_SESSION_TOKEN", "plantedSessionToken")
        .env("AWS_PROFILE", "planted-profile")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/planted-credentials");
  }

  /** {@code exec} through the broker, for s3-deploy with the s3:PutObject intent, then {@code command}. */
  String[] exec(String... command) {
    List<String> args = new ArrayList<>(List.of("exec", "--broker", broker.uri().toString(), "--token-file",
        tokenFile.toString(), "--role", "s3-deploy", "--reason", REASON, "--intent", "s3:PutObject", "--"));
    args.addAll(List.of(command));
    return args.toArray(String[]::new);
  }

  @Override
  public void close() {
    broker.close();
    factory.close();
    sink.close();
    aws.close();
  }
}
