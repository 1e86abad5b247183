package dev.leasehold.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link JsonLinesAuditSink} writes its file: where, whether records are sealed with an
 * {@link AuditKey}, how durable each record is before the audited step goes on, and how long a writer
 * waits for the file lock. Immutable and thread-safe; {@link #toString()} shows the key's fingerprint only.
 *
 * <pre>{@code
 * AuditLog log = AuditLog.builder(Path.of("/var/log/leasehold/audit.jsonl"))
 *     .key(AuditKey.fromFile(Path.of("/etc/leasehold/audit.key")))
 *     .durability(AuditLog.Durability.FSYNC)
 *     .build();
 * AwsSessionFactory.builder()...auditLog(log)...
 * }</pre>
 */
public final class AuditLog {
  /** The default durability: {@link Durability#FLUSH}. */
  public static final Durability DEFAULT_DURABILITY = Durability.FLUSH;
  /** The default longest wait for the file lock: 10 seconds. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

  /**
   * What has happened to a record when {@link JsonLinesAuditSink#record} returns, that is before the
   * audited step (asking a human, handing out a lease, sending a call) goes on.
   */
  public enum Durability {
    /**
     * Written to the operating system ({@code FileChannel.write}, no buffer in the process): the record
     * survives the agent's process being killed at any point after it returns, but not a crash of the
     * machine or a power cut before the system writes its cache back (seconds, typically).
     */
    FLUSH,
    /**
     * Also forced to the storage device ({@code FileChannel.force}) before returning: the record
     * survives a machine crash or power cut. Costs a device sync per record (from tens of microseconds
     * to several milliseconds on each guarded call, depending on the disk).
     */
    FSYNC
  }

  private final Path file;
  private final AuditKey key;
  private final Durability durability;
  private final Duration lockTimeout;

  private AuditLog(Builder b) {
    this.file = b.file;
    this.key = b.key;
    this.durability = b.durability;
    this.lockTimeout = b.lockTimeout;
  }

  /** An unkeyed log at {@code file} with the default durability and lock timeout. */
  public static AuditLog of(Path file) {
    return builder(file).build();
  }

  /** A builder for a log at {@code file} (its parent directory must exist when the sink opens it). */
  public static Builder builder(Path file) {
    return new Builder(Objects.requireNonNull(file, "file == null"));
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder(file).durability(durability).lockTimeout(lockTimeout);
    b.key = key;
    return b;
  }

  /** The JSON Lines file. */
  public Path file() {
    return file;
  }

  /** The sealing key, if the log is keyed. */
  public Optional<AuditKey> key() {
    return Optional.ofNullable(key);
  }

  /** What has happened to a record before the audited step goes on. */
  public Durability durability() {
    return durability;
  }

  /** The longest wait for another writer's file lock before a record fails (and its request with it). */
  public Duration lockTimeout() {
    return lockTimeout;
  }

  @Override
  public String toString() {
    return "AuditLog[file=" + file + ", key=" + (key == null ? "none" : key.id()) + ", durability=" + durability
        + ", lockTimeout=" + lockTimeout + "]";
  }

  /** Builds {@link AuditLog} settings. Not thread-safe. */
  public static final class Builder {
    private final Path file;
    private AuditKey key;
    private Durability durability = DEFAULT_DURABILITY;
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;

    private Builder(Path file) {
      this.file = file;
    }

    /**
     * Seals every record with {@code key} (HMAC-SHA256). A log is keyed or unkeyed from its first record:
     * a keyed sink refuses to continue an unkeyed log or one sealed with another key, and the reverse.
     */
    public Builder key(AuditKey key) {
      this.key = Objects.requireNonNull(key, "key == null");
      return this;
    }

    /** What has happened to a record before the audited step goes on; default {@link Durability#FLUSH}. */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability == null");
      return this;
    }

    /** The longest wait for another writer's file lock; default 10 s, between 1 ms and 5 minutes. */
    public Builder lockTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("lockTimeout must be between 1 ms and 5 minutes, was " + timeout);
      }
      this.lockTimeout = timeout;
      return this;
    }

    /** Builds the settings. */
    public AuditLog build() {
      return new AuditLog(this);
    }
  }
}
