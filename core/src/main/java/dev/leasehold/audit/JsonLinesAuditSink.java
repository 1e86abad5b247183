package dev.leasehold.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leasehold.audit.internal.AuditChain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default audit sink: one JSON object per line, each carrying a sequence number, the previous
 * record's hash and its own SHA-256 hash, and in a keyed log (see {@link AuditLog.Builder#key}) a
 * keyed HMAC-SHA256 seal, so that {@link AuditVerifier} finds any edited, dropped or reordered line.
 * Without a key that holds against accidents only: anyone who can write the file can rewrite it and
 * recompute the plain SHA-256 hashes. With a key, only whoever holds the key can (see {@link AuditVerifier}
 * for exactly what each check proves).
 *
 * <p><b>Any number of writers.</b> Several sinks may append to one file at once, in one process or in many
 * (two agents, overlapping {@code credential-process} runs): each record is appended under an exclusive
 * operating-system lock on the file ({@link FileChannel#tryLock()}), held only to read the file's last
 * record, append one line and flush (or force) it. A writer that finds the file grew since its own last
 * record re-reads the tail and numbers and chains its record after whatever the other writer wrote, so
 * the file holds one valid chain. Within one JVM, sinks on the same file also share an in-process lock,
 * because the operating system's locks are held per process. Writers that append without taking the lock
 * (a shell's {@code >>}) are not covered. The wait for the lock is bounded by
 * {@link AuditLog#lockTimeout()}; past it the record fails with {@link AuditLogException}.
 *
 * <p><b>Durability.</b> Each record is written before {@link #record(AuditEvent)} returns, so before the
 * audited step goes on (the human is asked, the lease is handed out, the call goes on the wire): with
 * {@link AuditLog.Durability#FLUSH} (the default) it is in the operating system, with
 * {@link AuditLog.Durability#FSYNC} also on the storage device. A failure throws ({@link UncheckedIOException}
 * for an I/O error, {@link AuditLogException} for a log that cannot be continued or a lock that was not
 * granted in time), a partly written line is cut off again, and Leasehold fails the request closed.
 *
 * <p><b>Group commit.</b> Records of concurrent callers on one sink are written together: one caller at a
 * time is the sink's writer; it takes the locks, numbers and chains every record waiting at that moment,
 * appends them with one write and flushes (or forces) them once, then releases each caller whose record is
 * in the batch. No caller returns before its own record is written with the sink's durability, and when a
 * batch cannot be written (or the lock is not granted in time) every caller in it fails; none is dropped
 * silently. A lone caller writes its own record at once, as before.
 *
 * <p><b>Opening.</b> Opening an existing file resumes its chain from its last record (the file is appended
 * to, never rewritten). A log is keyed or unkeyed from its first record: a keyed sink refuses an unkeyed
 * log or one sealed with another key, an unkeyed sink refuses a keyed log, and any sink refuses a log
 * whose last record is not an intact Leasehold record (run {@code leasehold audit verify} and start a new
 * file).
 *
 * <p>Thread-safe. The creator closes it. {@link #toString()} never shows the key.
 */
public final class JsonLinesAuditSink implements AuditSink {
  /**
   * Per file (by file key): the in-process lock shared by every sink of this JVM on that file. One small
   * lock per distinct file ever opened, kept for the life of the JVM.
   */
  private static final ConcurrentHashMap<Object, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();
  private static final int TAIL_CHUNK = 2048;
  /** The most records one write carries; the rest wait for the next batch. */
  private static final int MAX_BATCH = 1024;
  /** The longest a waiting caller sleeps between looks at its record (it is woken when it is written). */
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final AuditLog settings;
  private final Path file;
  private final FileChannel channel;
  private final ReentrantLock lock;
  private final AuditChain chain;
  private final String keyId;
  /** Records waiting for a writer, in arrival order. */
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  /** Whether a caller is this sink's writer (it writes every waiting record, then hands over). */
  private final AtomicBoolean writing = new AtomicBoolean();

  // Guarded by lock.
  private final ArrayList<Pending> batch = new ArrayList<>();
  private int largestBatch;
  private long seq;
  private String prev = AuditChain.GENESIS;
  private String lastSeal;
  private long end = -1;
  private boolean closed;
  private ByteBuffer buffer = ByteBuffer.allocate(1024);

  /**
   * Opens (or creates) an unkeyed log at {@code file} with the default settings and resumes its chain.
   *
   * @param file the JSON Lines file; its parent directory must exist
   * @throws UncheckedIOException when the file cannot be opened or read
   * @throws AuditLogException when its last record cannot be continued (see the class description)
   */
  public JsonLinesAuditSink(Path file) {
    this(AuditLog.of(file));
  }

  /**
   * Opens (or creates) the log described by {@code settings} and resumes its chain.
   *
   * @param settings the file, key, durability and lock timeout
   * @throws UncheckedIOException when the file cannot be opened or read
   * @throws AuditLogException when its last record cannot be continued (see the class description) or
   *     another writer held the lock past the timeout
   */
  public JsonLinesAuditSink(AuditLog settings) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.file = settings.file();
    AuditKey key = settings.key().orElse(null);
    this.chain = key == null ? AuditChain.unkeyed() : AuditChain.keyed(key.newMac(), key.id());
    this.keyId = key == null ? null : key.id();
    FileChannel opened;
    Object identity;
    try {
      opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      identity = identity(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open audit log " + file + ": " + e.getMessage(), e);
    }
    this.channel = opened;
    this.lock = IN_PROCESS_LOCKS.computeIfAbsent(identity, k -> new ReentrantLock());
    try {
      locked(System.nanoTime() + settings.lockTimeout().toNanos(), () -> {
        followTail(channel.size());
        return null;
      });
    } catch (RuntimeException e) {
      closeQuietly(e);
      throw e;
    }
  }

  private static Object identity(Path file) throws IOException {
    Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    return fileKey != null ? fileKey : file.toRealPath();
  }

  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event == null");
    // Formatted before any lock: it does not depend on the chain.
    Pending mine = new Pending(AuditChain.fields(event), Thread.currentThread());
    queue.add(mine);
    long deadline = System.nanoTime() + settings.lockTimeout().toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        int state = mine.state.get();
        if (state == Pending.WRITTEN) {
          return;
        }
        if (state == Pending.FAILED) {
          throw mine.failure;
        }
        if (writing.compareAndSet(false, true)) {
          try {
            if (mine.state.get() == Pending.QUEUED) {
              writeWaiting(mine, deadline);
            }
          } finally {
            writing.set(false);
            handOver();
          }
          continue;
        }
        long remaining = deadline - System.nanoTime();
        if ((remaining <= 0 || interrupted) && mine.state.compareAndSet(Pending.QUEUED, Pending.WITHDRAWN)) {
          queue.remove(mine);
          handOver(); // in case this caller was woken to write next
          throw interrupted ? new AuditLogException("Interrupted while waiting to write audit log " + file)
              : lockTimedOut();
        }
        // Another caller is writing: it releases this one when its record is written, or wakes it to write next.
        // A record already taken into a batch waits for that batch, whose writer is bounded by its own deadline.
        LockSupport.parkNanos(this, Math.max(1, Math.min(remaining, MAX_PARK_NANOS)));
        if (Thread.interrupted()) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** After a writer stepped down: wakes the first waiting caller, if any, to write next. */
  private void handOver() {
    if (!writing.get()) {
      Pending next = queue.peek();
      if (next != null) {
        LockSupport.unpark(next.waiter);
      }
    }
  }

  /**
   * As this sink's writer: takes both locks, then writes every waiting record as one batch, and releases
   * each caller in it with the outcome. When the locks are not granted in time (or the sink is closed), only
   * this caller's record fails; the others wait on, each within its own deadline.
   */
  private void writeWaiting(Pending mine, long deadline) {
    // A pending interrupt would close the channel on write (it is interruptible) for every sink on it; this
    // caller's interrupt is kept for after the batch.
    boolean interrupted = Thread.interrupted();
    try {
      locked(deadline, () -> {
        appendBatch();
        return null;
      });
    } catch (RuntimeException e) {
      if (!batch.isEmpty()) {
        complete(e); // the batch was not written: every caller in it fails
      } else if (mine.state.compareAndSet(Pending.QUEUED, Pending.WITHDRAWN)) {
        queue.remove(mine);
        throw e;
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Moves waiting records into {@link #batch}, up to {@link #MAX_BATCH}. */
  private void drain() {
    Pending p;
    while (batch.size() < MAX_BATCH && (p = queue.poll()) != null) {
      if (p.state.compareAndSet(Pending.QUEUED, Pending.TAKEN)) {
        batch.add(p);
      }
    }
  }

  /** Releases every caller in {@link #batch}: written when {@code failure} is null, else failed with it. */
  private void complete(RuntimeException failure) {
    for (Pending p : batch) {
      p.failure = failure;
      p.state.set(failure == null ? Pending.WRITTEN : Pending.FAILED);
      if (p.waiter != Thread.currentThread()) {
        LockSupport.unpark(p.waiter);
      }
    }
    batch.clear();
  }

  /** Under both locks: follow another writer's records if any, then append the waiting records as one write. */
  private void appendBatch() throws IOException {
    drain();
    if (batch.isEmpty()) {
      return;
    }
    largestBatch = Math.max(largestBatch, batch.size());
    long size;
    long nextSeq;
    String nextPrev;
    String nextSeal;
    int length = 0;
    try {
      size = channel.size();
      if (size != end) {
        followTail(size);
      }
      nextSeq = seq;
      nextPrev = prev;
      nextSeal = lastSeal;
      byte[][] lines = new byte[batch.size()][];
      for (int i = 0; i < lines.length; i++) {
        AuditChain.Sealed sealed = chain.seal(nextSeq + 1, batch.get(i).fields, nextPrev);
        lines[i] = sealed.line().getBytes(StandardCharsets.UTF_8);
        length += lines[i].length + 1;
        nextSeq++;
        nextPrev = sealed.hash();
        nextSeal = sealed.seal();
      }
      if (buffer.capacity() < length) {
        buffer = ByteBuffer.allocate(Math.max(length, buffer.capacity() * 2));
      }
      buffer.clear();
      for (byte[] line : lines) {
        buffer.put(line).put((byte) '\n');
      }
      buffer.flip();
    } catch (IOException | RuntimeException e) {
      end = -1; // the chain state is unchanged; read the tail again before the next batch
      throw e;
    }
    try {
      long position = size;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      if (settings.durability() == AuditLog.Durability.FSYNC) {
        channel.force(false);
      }
    } catch (IOException e) {
      try {
        channel.truncate(size); // no half line for the next writer to trip over
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      end = -1;
      throw e;
    }
    seq = nextSeq;
    prev = nextPrev;
    lastSeal = nextSeal;
    end = size + length;
    complete(null);
  }

  /** The most records one write has carried so far (for tests). */
  int largestBatch() {
    lock.lock();
    try {
      return largestBatch;
    } finally {
      lock.unlock();
    }
  }

  /** How many records wait for a writer now (for tests). */
  int waiting() {
    return queue.size();
  }

  /** A caller's record on its way into the file. */
  private static final class Pending {
    static final int QUEUED = 0;
    static final int TAKEN = 1;
    static final int WRITTEN = 2;
    static final int FAILED = 3;
    static final int WITHDRAWN = 4;

    final String fields;
    final Thread waiter;
    final AtomicInteger state = new AtomicInteger(QUEUED);
    /** Set before {@link #state} becomes {@link #FAILED}. */
    RuntimeException failure;

    Pending(String fields, Thread waiter) {
      this.fields = fields;
      this.waiter = waiter;
    }
  }

  /** Reads the last record of a file of {@code size} bytes and continues the chain after it. */
  private void followTail(long size) throws IOException {
    if (size == 0) {
      seq = 0;
      prev = AuditChain.GENESIS;
      lastSeal = null;
      end = 0;
      return;
    }
    String last = lastLine(size);
    if (last == null) {
      throw new AuditLogException("Audit log " + file + " ends in a partial line (a writer died while writing, or "
          + "the file was edited); run 'leasehold audit verify " + file + "' and start a new file");
    }
    AuditChain.Parts parts = AuditChain.split(last);
    JsonNode node = parts == null ? null : parseOrNull(last);
    if (node == null || !node.path("seq").canConvertToLong()) {
      throw new AuditLogException("Audit log " + file + ": its last record is not a Leasehold audit record; "
          + "run 'leasehold audit verify " + file + "' and start a new file");
    }
    if (!parts.hash().equals(chain.hashOf(parts.signed()))) {
      throw new AuditLogException("Audit log " + file + ": its last record does not match its hash (it was edited); "
          + "run 'leasehold audit verify " + file + "' and start a new file");
    }
    String tailKeyId = node.path("keyId").isTextual() ? node.get("keyId").asText() : null;
    if (keyId == null && (parts.mac() != null || tailKeyId != null)) {
      throw new AuditLogException("Audit log " + file + " is keyed (key id " + tailKeyId + "); open it with its key "
          + "(AuditLog.builder(file).key(...)), or write to another file");
    }
    if (keyId != null && parts.mac() == null) {
      throw new AuditLogException("Audit log " + file + " was written without a key; a log is keyed or unkeyed from "
          + "its first record, so write keyed records to a new file");
    }
    if (keyId != null && !keyId.equals(tailKeyId)) {
      throw new AuditLogException("Audit log " + file + " is sealed with another key (key id " + tailKeyId
          + ", this sink's key id " + keyId + "); use that log's key, or write to a new file");
    }
    if (keyId != null && !sameSeal(parts.mac(), chain.macOf(parts.signed()))) {
      throw new AuditLogException("Audit log " + file + ": the MAC of its last record does not verify with this key "
          + "(the record was forged or edited); run 'leasehold audit verify " + file + " --key-file ...'");
    }
    seq = node.get("seq").asLong();
    prev = parts.hash();
    lastSeal = parts.mac() != null ? parts.mac() : parts.hash();
    end = size;
  }

  /** The last line of the file (without its line break), or null when the file does not end with one. */
  private String lastLine(long size) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    channel.read(one, size - 1);
    if (one.get(0) != '\n') {
      return null;
    }
    Deque<byte[]> chunks = new ArrayDeque<>(); // from the line's start to its end
    long position = size - 1; // the final line break
    while (position > 0) {
      int length = (int) Math.min(TAIL_CHUNK, position);
      long from = position - length;
      ByteBuffer chunk = ByteBuffer.allocate(length);
      while (chunk.hasRemaining()) {
        if (channel.read(chunk, from + chunk.position()) < 0) {
          throw new IOException("the file shrank while its last record was read");
        }
      }
      byte[] bytes = chunk.array();
      int lineStart = 0;
      for (int i = length - 1; i >= 0; i--) {
        if (bytes[i] == '\n') {
          lineStart = i + 1;
          break;
        }
      }
      chunks.addFirst(Arrays.copyOfRange(bytes, lineStart, length));
      if (lineStart > 0) {
        break;
      }
      position = from;
    }
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    chunks.forEach(line::writeBytes);
    return line.toString(StandardCharsets.UTF_8);
  }

  static boolean sameSeal(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  private static JsonNode parseOrNull(String line) {
    try {
      return AuditChain.parse(line);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The checkpoint of the last record this sink wrote or found at the end of the file; empty for an empty
   * log. Forward it somewhere the log's writers cannot change (see {@link AuditCheckpoint}). To forward
   * checkpoints from a factory, open the sink yourself and pass it with
   * {@code AwsSessionFactory.Builder.auditSink(sink)}; a sink the factory opened is not reachable.
   */
  public Optional<AuditCheckpoint> checkpoint() {
    lock.lock();
    try {
      return lastSeal == null ? Optional.empty() : Optional.of(new AuditCheckpoint(seq, lastSeal));
    } finally {
      lock.unlock();
    }
  }

  /** The file this sink appends to. */
  public Path file() {
    return file;
  }

  /** The settings this sink was opened with. */
  public AuditLog settings() {
    return settings;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close audit log " + file, e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "JsonLinesAuditSink[" + file + (keyId == null ? "" : ", key id " + keyId) + "]";
  }

  private interface Step<T> {
    T run() throws IOException;
  }

  /** Runs {@code step} holding the in-process lock and the file lock, both granted before {@code deadline}. */
  private <T> T locked(long deadline, Step<T> step) {
    try {
      if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw lockTimedOut();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditLogException("Interrupted while waiting to write audit log " + file, e);
    }
    try {
      if (closed) {
        throw new IllegalStateException("audit log " + file + " is closed");
      }
      FileLock fileLock = fileLock(deadline);
      try {
        return step.run();
      } finally {
        fileLock.release();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write audit log " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private FileLock fileLock(long deadline) throws IOException {
    int spins = 0;
    while (true) {
      FileLock held;
      try {
        held = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        held = null; // another channel of this JVM (not a sink) holds it: wait as for another process
      }
      if (held != null) {
        return held;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw lockTimedOut();
      }
      if (spins++ < 64) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(200_000); // 0.2 ms: writers hold the lock for one append
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          throw new AuditLogException("Interrupted while waiting to write audit log " + file);
        }
      }
    }
  }

  private AuditLogException lockTimedOut() {
    return new AuditLogException("Another writer held audit log " + file + " locked for more than "
        + settings.lockTimeout().toMillis() + " ms; find the stuck process (a stopped agent or credential-process), "
        + "or raise AuditLog.lockTimeout");
  }

  private void closeQuietly(RuntimeException failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
