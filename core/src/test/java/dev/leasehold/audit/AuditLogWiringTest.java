package dev.leasehold.audit;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.sun.net.httpserver.HttpServer;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AuditFailureException;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.testing.FakeApprover;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The factory's audit log setting end to end: a keyed log written through a real session, and the rule
 * that a guarded call's record is in the file before the call reaches the wire, for each durability.
 */
class AuditLogWiringTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;
  Path log;
  StsStub stub;
  HttpServer s3;
  final List<String> lastRecordWhenTheCallArrived = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    log = dir.resolve("audit.jsonl");
    stub = new StsStub(sts);
    stub.succeeds(900);
    s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s3.createContext("/", exchange -> { // the S3 stand-in looks at the audit file as each request arrives
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      lastRecordWhenTheCallArrived.add(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
      exchange.getResponseHeaders().add("Content-Type", "binary/octet-stream");
      exchange.sendResponseHeaders(200, 2);
      exchange.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
      exchange.close();
    });
    s3.start();
  }

  @AfterEach
  void stop() {
    s3.stop(0);
  }

  @ParameterizedTest
  @EnumSource(AuditLog.Durability.class)
  void aGuardedCallsRecordIsInTheFileBeforeTheCallReachesTheWire(AuditLog.Durability durability) {
    AuditLog settings = AuditLog.builder(log).key(KeyedAuditTest.KEY).durability(durability).build();
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"))
             .auditLog(settings).build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))) {
      S3Client client = session.client(S3Client.builder()
          .endpointOverride(URI.create("http://127.0.0.1:" + s3.getAddress().getPort())).forcePathStyle(true));
      client.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.zip"));
      client.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.3.zip"));
    }

    assertThat(lastRecordWhenTheCallArrived).hasSize(2).allSatisfy(line -> assertThat(line)
        .contains("\"type\":\"call-allowed\"", "\"action\":\"s3:GetObject\"", "\"keyId\":\"" + KeyedAuditTest.KEY.id()));
    assertThat(lastRecordWhenTheCallArrived.get(0)).contains("\"seq\":4,");
    assertThat(lastRecordWhenTheCallArrived.get(1)).contains("\"seq\":5,");
    AuditVerification result = AuditVerifier.verify(log, KeyedAuditTest.KEY);
    assertThat(result.intact()).isTrue();
    assertThat(result.records()).isEqualTo(6); // requested, approved, assumed, 2 x call-allowed, closed
  }

  @Test
  void theFactoryRefusesToStartOnALogItCannotContinue() throws IOException {
    try (JsonLinesAuditSink plain = new JsonLinesAuditSink(log)) {
      plain.record(KeyedAuditTest.event("req-0"));
    }
    AuditLog keyed = AuditLog.builder(log).key(KeyedAuditTest.KEY).build();

    assertThatThrownBy(() -> Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222")).auditLog(keyed).build())
        .isInstanceOf(AuditLogException.class).hasMessageContaining("written without a key");
  }

  @Test
  void aLogHeldLockedByAnotherWriterFailsTheRequestClosedWithinTheTimeout() throws IOException {
    AuditLog settings = AuditLog.builder(log).lockTimeout(Duration.ofMillis(300)).build();
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver).auditLog(settings).build();
         FileChannel other = FileChannel.open(log, StandardOpenOption.WRITE);
         FileLock held = other.lock()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(AuditFailureException.class).hasMessageContaining("'requested'")
          .hasMessageContaining("locked for more than 300 ms");
      assertThat(held.isValid()).isTrue();
    }
    assertThat(approver.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
  }

  @Test
  void theSettingsKeepTheirValuesAndRefuseABadLockTimeout() {
    AuditLog settings = AuditLog.builder(log).key(KeyedAuditTest.KEY).durability(AuditLog.Durability.FSYNC)
        .lockTimeout(Duration.ofSeconds(2)).build();

    assertThat(settings.toBuilder().build()).satisfies(copy -> {
      assertThat(copy.file()).isEqualTo(log);
      assertThat(copy.key()).contains(KeyedAuditTest.KEY);
      assertThat(copy.durability()).isEqualTo(AuditLog.Durability.FSYNC);
      assertThat(copy.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
    });
    assertThat(AuditLog.of(log).durability()).isEqualTo(AuditLog.DEFAULT_DURABILITY).isEqualTo(AuditLog.Durability.FLUSH);
    assertThat(AuditLog.of(log).key()).isEmpty();
    assertThatThrownBy(() -> AuditLog.builder(log).lockTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 ms and 5 minutes");
    assertThatThrownBy(() -> AuditLog.builder(log).lockTimeout(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLogInAMissingDirectoryCannotBeOpened() {
    assertThatThrownBy(() -> new JsonLinesAuditSink(dir.resolve("none/audit.jsonl")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("Cannot open audit log");
  }
}
