package dev.leasehold.benchmarks;

import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditLog;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.fleet.postgres.PostgresAuditSink;
import dev.leasehold.fleet.postgres.PostgresFleet;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.testing.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * B8: the fleet's durable audit. Audit records per second into PostgreSQL through {@link PostgresAuditSink}
 * (group commit) from 1, 8 and 64 threads, against the file sink from one thread; and what the PostgreSQL sink
 * adds to {@code open()} of a new task (three records: requested, approved, assumed) and to a guarded S3
 * GetObject (one record), each against the same work with the file sink, in the same run. Both sinks are keyed
 * (HMAC-SHA256) with the same key. PostgreSQL 15 runs on loopback ({@link LocalPostgres}: Debian's server,
 * {@code fsync=off}, so the figures are the protocol's and the sink's cost, not a disk's); STS and S3 are the
 * other benchmarks' stand-in ({@link StandIns}).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FleetAuditBenchmark {
  private static final AuditEvent CALL = AuditEvent.builder(AuditEventType.CALL_ALLOWED,
          Instant.parse("2026-01-01T00:00:00Z"))
      .requestId("5f0c6b7e-2d7a-4c1e-9a43-3f1f0f0b9c1d").agent("hermes").roleKey("s3-deploy")
      .roleArn("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy").intent(List.of("s3:GetObject", "s3:PutObject"))
      .approver("alice").action("s3:GetObject").outcome("ok").build();
  private static final AuditKey KEY = AuditKey.of("benchmark-audit-key-not-a-secret-0123".getBytes());

  private LocalPostgres pg;
  private PostgresFleet fleet;
  private PostgresAuditSink postgresSink;
  private Path dir;
  private JsonLinesAuditSink fileSink;
  private AwsStandIn aws;
  private AwsSessionFactory withPostgres;
  private AwsSessionFactory withFile;
  private S3Client guardedPostgres;
  private S3Client guardedFile;
  private final AtomicLong tasks = new AtomicLong();
  private final Queue<AgentSession> opened = new ConcurrentLinkedQueue<>();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    pg = LocalPostgres.start();
    fleet = PostgresFleet.builder().jdbcUrl(pg.jdbcUrl("postgres")).user(LocalPostgres.SUPERUSER)
        .password(pg.superuserPassword()).migrate(true).brokerId("benchmark").start();
    postgresSink = PostgresAuditSink.builder(fleet).key(KEY).build();
    dir = Files.createTempDirectory("leasehold-bench-fleet-audit");
    fileSink = new JsonLinesAuditSink(AuditLog.builder(dir.resolve("audit.jsonl")).key(KEY).build());
    aws = StandIns.start();
    withPostgres = Fixtures.factory(aws, FakeApprover.approving("123456"), postgresSink).build();
    withFile = Fixtures.factory(aws, FakeApprover.approving("123456"), fileSink).build();
    guardedPostgres = client(withPostgres);
    guardedFile = client(withFile);
  }

  private S3Client client(AwsSessionFactory factory) {
    return factory.open(Fixtures.request()).client(S3Client.builder().endpointOverride(aws.endpoint())
        .forcePathStyle(true).httpClientBuilder(Apache5HttpClient.builder()));
  }

  /** Sessions opened by the open() benchmarks stay open while measured, and are closed between iterations. */
  @TearDown(Level.Iteration)
  public void closeOpenedSessions() {
    List<AgentSession> all = new ArrayList<>();
    AgentSession s;
    while ((s = opened.poll()) != null) {
      all.add(s);
    }
    all.forEach(AgentSession::close);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    closeOpenedSessions();
    withPostgres.close();
    withFile.close();
    postgresSink.close();
    fileSink.close();
    fleet.close();
    pg.close();
    aws.close();
    Files.deleteIfExists(dir.resolve("audit.jsonl"));
    Files.deleteIfExists(dir);
  }

  /** B8: records per second into PostgreSQL, one thread (one commit per record: nothing to batch with). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public void postgresRecord1Thread() {
    postgresSink.record(CALL);
  }

  /** B8: records per second into PostgreSQL, 8 threads (group commit batches what arrives meanwhile). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public void postgresRecord8Threads() {
    postgresSink.record(CALL);
  }

  /** B8: records per second into PostgreSQL, 64 threads. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(64)
  public void postgresRecord64Threads() {
    postgresSink.record(CALL);
  }

  /** B8 baseline: records per second into the keyed file sink, one thread. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public void fileRecord1Thread() {
    fileSink.record(CALL);
  }

  /** B8: open() of a new task (approval by a fake approver, AssumeRole at the stand-in), PostgreSQL sink. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public AgentSession openNewTaskPostgres() {
    return open(withPostgres);
  }

  /** B8 baseline: the same open() with the file sink. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public AgentSession openNewTaskFile() {
    return open(withFile);
  }

  /** B8: a guarded GetObject, PostgreSQL sink. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public ResponseBytes<GetObjectResponse> guardedGetObjectPostgres() {
    return guardedPostgres.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.txt"));
  }

  /** B8 baseline: the same guarded GetObject with the file sink. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public ResponseBytes<GetObjectResponse> guardedGetObjectFile() {
    return guardedFile.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.txt"));
  }

  private AgentSession open(AwsSessionFactory factory) {
    AgentSession session = factory.open(AccessRequest.of("s3-deploy", "upload the artifacts of release build "
        + tasks.incrementAndGet(), "s3:GetObject"));
    opened.add(session);
    return session;
  }

  /** Records in the PostgreSQL chain so far (for the smoke test). */
  long postgresRecords() {
    return postgresSink.checkpoint().map(c -> c.seq()).orElse(0L);
  }
}
