package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.AccessRequest;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.LocalPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code leasehold broker} processes of one fleet on a real PostgreSQL: {@code leasehold fleet migrate}
 * creates the schema, both brokers join with {@code --fleet-jdbc}, the same task asked on both prompts the human
 * once, the audit chain in PostgreSQL verifies with {@code leasehold audit verify --fleet-jdbc}, and a broker whose
 * database is down does not start.
 */
class FleetBrokerProcessTest {
  static final String REASON = "read the caller identity of the deploy role";
  static LocalPostgres pg;

  @TempDir Path dir;
  AwsStandIn aws;
  Path brokerHome;
  Path prompts;
  Path passwordFile;
  Path handOffKey;
  final List<Process> brokers = new ArrayList<>();

  @BeforeAll
  static void startPostgres() {
    pg = LocalPostgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    pg.close();
  }

  @BeforeEach
  void setUp() throws IOException {
    BrokerFixture.requireDebianClients();
    aws = DemoCommand.standIn(RoleCatalog.load(Path.of(CliRun.resource("broker-catalog.yaml"))), Clock.systemUTC());
    brokerHome = BrokerFixture.brokerHome(dir.resolve("broker-home"));
    prompts = dir.resolve("prompts.log");
    passwordFile = secret("db.password", pg.superuserPassword() + "\n");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    handOffKey = secret("hand-off.key", Base64.getEncoder().encodeToString(key) + "\n");
  }

  @AfterEach
  void tearDown() {
    brokers.forEach(Process::destroyForcibly);
    aws.close();
  }

  Path secret(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  String newDatabase(String name) throws Exception {
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), LocalPostgres.SUPERUSER,
        pg.superuserPassword()); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return pg.jdbcUrl(name);
  }

  Process broker(String id, String jdbcUrl, long approvalLatencyMillis) throws IOException {
    Path approvalConfig = Files.writeString(dir.resolve("approver-" + id + ".properties"),
        "log=" + prompts + "\nlatency-ms=" + approvalLatencyMillis + "\n");
    Path script = LeaseholdProcess.script(dir, brokerHome, dir.resolve("broker-runs.log"));
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "broker", "--catalog",
        CliRun.resource("broker-catalog.yaml"), "--profile", "hermes-agent", "--sts-endpoint-url",
        aws.endpoint().toString(), "--approval", "test-approver", "--approval-config", approvalConfig.toString(),
        "--listen", "127.0.0.1:0", "--token-file", dir.resolve("client-token").toString(),
        "--fleet-jdbc", jdbcUrl, "--fleet-user", LocalPostgres.SUPERUSER, "--fleet-password-file",
        passwordFile.toString(), "--fleet-key-file", handOffKey.toString(), "--broker-id", id);
    pb.environment().put("HOME", brokerHome.toString());
    pb.environment().remove("AWS_ACCESS_KEY_ID");
    pb.environment().remove("AWS_SECRET_ACCESS_KEY");
    pb.redirectError(dir.resolve("broker-" + id + "-stderr.log").toFile());
    Process process = pb.start();
    brokers.add(process);
    return process;
  }

  URI listening(String id, Process process) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("broker %s stderr: %s", id, Files.readString(dir.resolve("broker-" + id + "-stderr.log")))
        .startsWith("leasehold broker: listening on ");
    return URI.create(line.substring("leasehold broker: listening on ".length()).strip());
  }

  @Test
  void twoBrokersOfOneFleetPromptOnceForOneTaskAndShareOneAuditChainThatVerifies() throws Exception {
    String url = newDatabase("fleet_two_brokers");
    CliRun.Result migrated = cli().run("fleet", "migrate", "--fleet-jdbc", url, "--fleet-user",
        LocalPostgres.SUPERUSER, "--fleet-password-file", passwordFile.toString());
    assertThat(migrated.exit()).as(migrated.all()).isZero();
    assertThat(migrated.out()).contains("fleet schema at version");
    assertThat(migrated.all()).doesNotContain(pg.superuserPassword());

    URI a = listening("broker-a", broker("broker-a", url, 1_500));
    URI b = listening("broker-b", broker("broker-b", url, 1_500));
    String token = Files.readString(dir.resolve("client-token")).strip();
    BrokerClient onA = new BrokerClient(a, token, Duration.ofMinutes(1));
    BrokerClient onB = new BrokerClient(b, token, Duration.ofMinutes(1));

    CompletableFuture<BrokerClient.Grant> first = CompletableFuture.supplyAsync(() ->
        onA.request(AccessRequest.of("s3-deploy", REASON)));
    Thread.sleep(300);
    BrokerClient.Grant second = onB.request(AccessRequest.of("s3-deploy", REASON));
    BrokerClient.Grant granted = first.get(60, TimeUnit.SECONDS);

    assertThat(LeaseholdProcess.lines(prompts)).as("one human prompt for the task across the fleet").isEqualTo(1);
    assertThat(aws.assumeRoles()).hasSize(1);
    assertThat(onB.credentials(second).accessKeyId()).isEqualTo(onA.credentials(granted).accessKeyId());

    CliRun.Result verified = cli().run("audit", "verify", "--fleet-jdbc", url, "--fleet-user",
        LocalPostgres.SUPERUSER, "--fleet-password-file", passwordFile.toString());
    assertThat(verified.exit()).as(verified.all()).isZero();
    assertThat(verified.out()).contains("audit trail intact");
    try (Connection c = DriverManager.getConnection(url, LocalPostgres.SUPERUSER, pg.superuserPassword());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(DISTINCT broker_id), string_agg(record, '') "
            + "FROM leasehold.audit_records")) {
      rs.next();
      assertThat(rs.getInt(1)).as("both brokers wrote to the one chain").isEqualTo(2);
      assertThat(rs.getString(2)).contains("\"joined\"").doesNotContain(AwsStandIn.SECRET_PREFIX,
          AwsStandIn.TOKEN_PREFIX);
    }
  }

  @Test
  void aBrokerWhoseFleetDatabaseIsDownDoesNotStartAndSaysWhatToCheck() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process process = broker("broker-down", "jdbc:postgresql://127.0.0.1:" + port + "/leasehold", 0);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(dir.resolve("broker-broker-down-stderr.log"));
    assertThat(process.exitValue()).as(stderr).isNotZero();
    assertThat(stderr).contains("does not start without its fleet database", "check that PostgreSQL runs")
        .doesNotContain(pg.superuserPassword());
  }

  @Test
  void aBrokerRefusesAnUnmigratedFleetSchemaAndNamesTheCommandToRun() throws Exception {
    String url = newDatabase("fleet_unmigrated");
    Process process = broker("broker-early", url, 0);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(dir.resolve("broker-broker-early-stderr.log"));
    assertThat(process.exitValue()).as(stderr).isNotZero();
    assertThat(stderr).contains("leasehold fleet migrate");
  }
}
