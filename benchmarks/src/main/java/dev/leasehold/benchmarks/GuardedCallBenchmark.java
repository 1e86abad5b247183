package dev.leasehold.benchmarks;

import dev.leasehold.AwsSessionFactory;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.testing.AwsStandIn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * B3: one S3 GetObject through a session's guarded client (intent check, role check, call budget, and a
 * hash-chained audit record written and flushed to a file) against the same call through a plain client,
 * both over loopback HTTP to the same S3 stand-in (the JDK's HTTP server) with the same HTTP client settings.
 * At 1, 8 and 64 threads: concurrent calls' audit records are written and flushed together (group commit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Loopback HTTP keeps speeding up for ~10 s (client, server and JIT), so warm up longer than elsewhere.
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 8, time = 2)
@Fork(2)
public class GuardedCallBenchmark {
  private AwsStandIn aws;
  private Path auditDir;
  private JsonLinesAuditSink audit;
  private AwsSessionFactory leasehold;
  private AwsSessionFactory leaseholdNoAuditIo;
  private S3Client guarded;
  private S3Client guardedNoAuditIo;
  private S3Client plain;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    aws = StandIns.start();
    auditDir = Files.createTempDirectory("leasehold-bench-audit");
    audit = new JsonLinesAuditSink(auditDir.resolve("audit.jsonl"));
    leasehold = Fixtures.factory(aws, FakeApprover.approving("123456"), audit).build();
    guarded = leasehold.open(Fixtures.request()).client(S3Client.builder()
        .endpointOverride(aws.endpoint()).forcePathStyle(true)
        .httpClientBuilder(Apache5HttpClient.builder()));
    leaseholdNoAuditIo = Fixtures.factory(aws, FakeApprover.approving("123456"), Fixtures.discardingSink()).build();
    guardedNoAuditIo = leaseholdNoAuditIo.open(Fixtures.request()).client(S3Client.builder()
        .endpointOverride(aws.endpoint()).forcePathStyle(true)
        .httpClientBuilder(Apache5HttpClient.builder()));
    plain = S3Client.builder().region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
            StandIns.ACCESS_KEY_ID, StandIns.SECRET_ACCESS_KEY, StandIns.SESSION_TOKEN)))
        .endpointOverride(aws.endpoint()).forcePathStyle(true)
        .httpClientBuilder(Apache5HttpClient.builder())
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    plain.close();
    leasehold.close();
    leaseholdNoAuditIo.close();
    audit.close();
    aws.close();
    Files.deleteIfExists(auditDir.resolve("audit.jsonl"));
    Files.deleteIfExists(auditDir);
  }

  /** B3: through the guard. */
  @Benchmark
  public ResponseBytes<GetObjectResponse> guardedGetObject() {
    return guarded.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.txt"));
  }

  /** B3, split: the same guard with an audit sink that discards, to separate the guard from the audit write. */
  @Benchmark
  public ResponseBytes<GetObjectResponse> guardedGetObjectNoAuditIo() {
    return guardedNoAuditIo.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.txt"));
  }

  /** B3 baseline: a plain client. */
  @Benchmark
  public ResponseBytes<GetObjectResponse> unguardedGetObject() {
    return plain.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.txt"));
  }

  /** B3 at 8 threads: concurrent guarded calls share audit writes (group commit in the file sink). */
  @Benchmark
  @Threads(8)
  @Fork(1)
  public ResponseBytes<GetObjectResponse> guardedGetObject8() {
    return guardedGetObject();
  }

  /** B3 baseline at 8 threads. */
  @Benchmark
  @Threads(8)
  @Fork(1)
  public ResponseBytes<GetObjectResponse> unguardedGetObject8() {
    return unguardedGetObject();
  }

  /** B3 at 64 threads (more than the HTTP client's 50 connections: both variants queue for one). */
  @Benchmark
  @Threads(64)
  @Fork(1)
  public ResponseBytes<GetObjectResponse> guardedGetObject64() {
    return guardedGetObject();
  }

  /** B3 baseline at 64 threads. */
  @Benchmark
  @Threads(64)
  @Fork(1)
  public ResponseBytes<GetObjectResponse> unguardedGetObject64() {
    return unguardedGetObject();
  }
}
