package dev.leasehold.benchmarks;

import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditLog;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.audit.internal.AuditChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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

/**
 * What one audit record of a guarded call costs: formatting and hashing the line alone, and the default
 * sink's whole {@code record} (format, hash, lock, append and flush to a file), unkeyed, keyed (plus an
 * HMAC-SHA256 per record) and forced to the device per record ({@code FSYNC}). Explains B3.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class AuditRecordBenchmark {
  private static final AuditEvent CALL = AuditEvent.builder(AuditEventType.CALL_ALLOWED, Instant.parse("2026-01-01T00:00:00Z"))
      .requestId("5f0c6b7e-2d7a-4c1e-9a43-3f1f0f0b9c1d").agent("hermes").roleKey("s3-deploy")
      .roleArn("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy").intent(List.of("s3:GetObject", "s3:PutObject"))
      .resources(List.of()).approver("alice").action("s3:GetObject").outcome("ok").build();

  private Path dir;
  private JsonLinesAuditSink sink;
  private JsonLinesAuditSink keyed;
  private JsonLinesAuditSink synced;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("leasehold-bench-audit");
    sink = new JsonLinesAuditSink(dir.resolve("audit.jsonl"));
    keyed = new JsonLinesAuditSink(AuditLog.builder(dir.resolve("keyed.jsonl")).key(AuditKey.of(new byte[32])).build());
    synced = new JsonLinesAuditSink(AuditLog.builder(dir.resolve("synced.jsonl")).durability(AuditLog.Durability.FSYNC).build());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    sink.close();
    keyed.close();
    synced.close();
    for (String name : new String[] {"audit.jsonl", "keyed.jsonl", "synced.jsonl"}) {
      Files.deleteIfExists(dir.resolve(name));
    }
    Files.deleteIfExists(dir);
  }

  /** Format and hash one record (no I/O). */
  @Benchmark
  public String formatAndHash() {
    return AuditChain.line(42, CALL, AuditChain.GENESIS);
  }

  /** The default sink's record(): format, hash, lock, append, flush. */
  @Benchmark
  public void jsonLinesRecord() {
    sink.record(CALL);
  }

  /**
   * The default sink's throughput with 64 callers at once (records per second): concurrent records are
   * written and flushed together (group commit), each caller returning once its own record is written.
   */
  @Benchmark
  @Threads(64)
  @Fork(1)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void jsonLinesRecord64() {
    sink.record(CALL);
  }

  /** The same with one caller, as records per second (the baseline of {@link #jsonLinesRecord64()}). */
  @Benchmark
  @Fork(1)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void jsonLinesRecord1() {
    sink.record(CALL);
  }

  /** A keyed sink's record(): as {@link #jsonLinesRecord()} plus one HMAC-SHA256. */
  @Benchmark
  public void keyedRecord() {
    keyed.record(CALL);
  }

  /** An unkeyed sink with {@code FSYNC}: as {@link #jsonLinesRecord()} plus a device sync per record. */
  @Benchmark
  public void fsyncRecord() {
    synced.record(CALL);
  }
}
