package dev.leasehold.fleet.postgres;

import dev.leasehold.FleetUnavailableException;
import dev.leasehold.audit.AuditCheckpoint;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditLogException;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.audit.internal.AuditChain;
import dev.leasehold.fleet.postgres.internal.AuditTable;
import dev.leasehold.fleet.postgres.internal.AuditTable.Head;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An audit sink that appends to the fleet's PostgreSQL table {@code leasehold.audit_records}: one hash chain
 * for the whole fleet, in exactly the record format, hash chain and HMAC keying of {@link
 * dev.leasehold.audit.JsonLinesAuditSink} (each row holds what the file sink writes as one line), verified by
 * {@link PostgresAuditVerifier} and {@code leasehold audit verify --jdbc URL}.
 *
 * <p><b>The durability rule.</b> {@link #record(AuditEvent)} returns only after the transaction that holds its
 * record has committed in PostgreSQL, so before the audited step goes on (a human is asked, a lease is handed
 * out, a guarded call goes on the wire). When that cannot happen within {@link Builder#recordTimeout(Duration)}
 * (the database is down, the pool stays exhausted, the batch fails, the queue is full) it throws instead,
 * and Leasehold fails the request closed with an {@code AuditFailureException}: a {@link
 * FleetUnavailableException} for the database, an {@link AuditLogException} for a chain this sink must not
 * continue (sealed with another key, or its last record edited). A record is never dropped silently: either
 * its caller returned normally and it is committed, or its caller got an exception. The converse does not
 * hold: a record whose caller gave up while its batch was already on the way may still be committed (its
 * step did not go on; the message says "not confirmed"). Records of one thread keep their order.
 *
 * <p><b>Group commit.</b> One writer thread per sink takes the records waiting in a bounded queue (at most
 * {@link Builder#maxBatch(int)} at a time) and writes them in one transaction: take the chain lock (a
 * transaction-level advisory lock, so brokers never read and extend the head at the same time), read the head
 * record and check it, seal the batch after it, insert all rows in one statement, commit, then release the
 * batch's callers. While one batch is on the way the next one gathers, so a busy broker does one round trip
 * per batch rather than per guarded call, and an idle one adds no delay. A full queue ({@link
 * Builder#queueCapacity(int)}) refuses at once rather than grow.
 *
 * <p><b>Brokers.</b> Any number of brokers (each with its own sink) append to one chain; the lock and the
 * primary key on {@code seq} give one order without duplicate or missing sequence numbers. All brokers of a
 * fleet use the same {@link AuditKey} (or none): a keyed sink refuses a chain that is unkeyed or sealed with
 * another key, an unkeyed sink a keyed one, at {@link Builder#build()} and again on every batch.
 *
 * <p>Thread-safe. The creator closes it ({@link #close()} writes what is queued, then stops); closing the
 * sink does not close the {@link PostgresFleet}. {@link #toString()} shows no password and no key.
 *
 * <pre>{@code
 * PostgresFleet fleet = PostgresFleet.builder().jdbcUrl(url).user("leasehold_broker").password(pw).start();
 * PostgresAuditSink audit = PostgresAuditSink.builder(fleet).key(AuditKey.fromFile(keyFile)).build();
 * AwsSessionFactory leasehold = AwsSessionFactory.builder()...auditSink(audit).build();
 * }</pre>
 */
public final class PostgresAuditSink implements AuditSink {
  /** The default most records per transaction: 256. */
  public static final int DEFAULT_MAX_BATCH = 256;
  /** The default most records waiting for the writer: 4,096. */
  public static final int DEFAULT_QUEUE_CAPACITY = 4096;
  /** The default longest wait of {@link #record(AuditEvent)} for its commit: 10 seconds. */
  public static final Duration DEFAULT_RECORD_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(PostgresAuditSink.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(50);

  private final PostgresFleet fleet;
  private final AuditChain chain;
  private final String keyId;
  private final int maxBatch;
  private final Duration recordTimeout;
  private final ArrayBlockingQueue<Pending> queue;
  private final Thread writer;
  private volatile boolean closed;
  private volatile AuditCheckpoint last;
  private boolean failing; // writer thread only: log a failure streak once

  private PostgresAuditSink(Builder b, AuditCheckpoint head) {
    this.fleet = b.fleet;
    this.chain = b.key == null ? AuditChain.unkeyed() : AuditChain.keyed(b.key.newMac(), b.key.id());
    this.keyId = b.key == null ? null : b.key.id();
    this.maxBatch = b.maxBatch;
    this.recordTimeout = b.recordTimeout;
    this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
    this.last = head;
    this.writer = new Thread(this::writeLoop, "leasehold-audit-writer-" + fleet.brokerId());
    this.writer.setDaemon(true);
  }

  /** A builder for a sink on {@code fleet}'s database. */
  public static Builder builder(PostgresFleet fleet) {
    return new Builder(Objects.requireNonNull(fleet, "fleet == null"));
  }

  /**
   * Records {@code event}: returns once it is committed (see the class description).
   *
   * @throws FleetUnavailableException when it could not be committed within the record timeout, or the queue
   *     is full; the message says whether the record is surely not written or not confirmed
   * @throws AuditLogException when the chain in the database must not be continued by this sink
   * @throws IllegalStateException when the sink is closed
   */
  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event == null");
    if (closed) {
      throw new IllegalStateException("The PostgreSQL audit sink of broker " + fleet.brokerId() + " is closed");
    }
    Pending pending = new Pending(AuditChain.fields(event)); // formatted here: it does not depend on the chain
    if (!queue.offer(pending)) {
      throw new FleetUnavailableException("The audit record was not written: " + queue.size() + " records are "
          + "already waiting for the fleet database (queue capacity " + (queue.size() + queue.remainingCapacity())
          + "), which is slower than this broker or unreachable. The request fails closed; check the database and "
          + "its load, or raise PostgresAuditSink.Builder.queueCapacity.", null);
    }
    if (closed && pending.cancel()) { // closed between the check and the offer, and the writer may be gone
      throw new IllegalStateException("The PostgreSQL audit sink of broker " + fleet.brokerId() + " is closed");
    }
    boolean done;
    try {
      done = pending.done.await(recordTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FleetUnavailableException((pending.cancel() ? "The audit record was not written" : "The audit "
          + "record is not confirmed") + ": interrupted while waiting for the fleet database.", e);
    }
    if (!done) {
      if (pending.cancel()) {
        throw new FleetUnavailableException("The audit record was not written: the fleet database took no records "
            + "for " + recordTimeout.toMillis() + " ms (down, slow, or its connection pool exhausted). The request "
            + "fails closed; check the database, then try again.", null);
      }
      throw new FleetUnavailableException("The audit record is not confirmed: its transaction did not commit within "
          + recordTimeout.toMillis() + " ms (the database is down or slow). The request fails closed; the record "
          + "may still appear in the chain, its step did not go on.", null);
    }
    RuntimeException failure = pending.failure;
    if (failure instanceof AuditLogException) {
      throw new AuditLogException(failure.getMessage(), failure);
    }
    if (failure != null) {
      throw new FleetUnavailableException(failure.getMessage(), failure);
    }
  }

  /**
   * The checkpoint of the newest record this sink wrote, or found at the chain's head when it was built; empty
   * for an empty chain. Other brokers may have appended since. Forward it somewhere the brokers' database role
   * cannot change (see {@link AuditCheckpoint}).
   */
  public Optional<AuditCheckpoint> checkpoint() {
    return Optional.ofNullable(last);
  }

  /** How many records wait for the writer (for tests). */
  int queued() {
    return queue.size();
  }

  /** The broker this sink writes for (stored with each row). */
  public String brokerId() {
    return fleet.brokerId();
  }

  /**
   * Writes the records already queued (each still within its caller's deadline), then stops the writer.
   * Records offered afterwards fail with {@link IllegalStateException}. Idempotent; does not close the fleet.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.join(recordTimeout.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.interrupt();
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    for (Pending p : left) {
      if (p.take()) {
        p.complete(new FleetUnavailableException("The audit record was not written: the PostgreSQL audit sink was "
            + "closed first.", null));
      }
    }
  }

  @Override
  public String toString() {
    return "PostgresAuditSink[broker " + fleet.brokerId() + (keyId == null ? ", unkeyed" : ", key id " + keyId) + "]";
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (true) {
      Pending first;
      try {
        first = queue.poll(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return; // close() gave up waiting; it fails what is left
      }
      if (first == null) {
        if (closed) {
          return;
        }
        continue;
      }
      batch.clear();
      if (first.take()) {
        batch.add(first);
      }
      takeWaiting(batch);
      if (!batch.isEmpty()) {
        write(batch);
      }
    }
  }

  /** Adds the records waiting in the queue to {@code batch}, up to {@link Builder#maxBatch(int)}. */
  private void takeWaiting(List<Pending> batch) {
    Pending next;
    while (batch.size() < maxBatch && (next = queue.poll()) != null) {
      if (next.take()) {
        batch.add(next);
      }
    }
  }

  /**
   * One transaction: lock the head, read and check it, take in what arrived meanwhile, seal and insert the batch,
   * commit; then release its callers.
   */
  private void write(List<Pending> batch) {
    RuntimeException failure = null;
    AuditCheckpoint written = null;
    try (Connection c = fleet.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        Head head = AuditTable.lockAndReadHead(c);
        takeWaiting(batch); // records that arrived while this batch waited for the chain lock join it
        String prev = head == null ? AuditChain.GENESIS : checkHead(head);
        long seq = head == null ? 0 : head.seq();
        long[] seqs = new long[batch.size()];
        String[] records = new String[batch.size()];
        String seal = null;
        for (int i = 0; i < batch.size(); i++) {
          AuditChain.Sealed sealed = chain.seal(++seq, batch.get(i).fields, prev);
          seqs[i] = seq;
          records[i] = sealed.line();
          prev = sealed.hash();
          seal = sealed.seal();
        }
        AuditTable.insertAndCommit(c, fleet.brokerId(), seqs, records);
        written = new AuditCheckpoint(seq, seal);
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    } catch (SQLException e) {
      failure = new FleetUnavailableException(describe(e, batch.size()), e);
    } catch (AuditLogException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new FleetUnavailableException("The audit batch of " + batch.size() + " records was not written: "
          + e + ". The requests fail closed.", e);
    }
    if (failure == null) {
      last = written;
      if (failing) {
        failing = false;
        LOG.info("Broker {} writes audit records to the fleet database again", fleet.brokerId());
      }
    } else if (!failing) {
      failing = true;
      LOG.warn("Broker {} could not write audit records to the fleet database; requests fail closed until it can: {}",
          fleet.brokerId(), failure.getMessage());
    }
    for (Pending p : batch) {
      p.complete(failure);
    }
  }

  private String describe(SQLException e, int records) {
    if (e instanceof SQLTransientConnectionException) {
      return "The audit record was not written: no connection to the fleet database within the connection timeout "
          + "(the pool of this broker is exhausted, or the database is down): " + e.getMessage() + ". The request "
          + "fails closed; check the database, or raise PostgresFleet.Builder.maxPoolSize.";
    }
    return "The audit batch of " + records + " records was not written (it is not confirmed when the connection "
        + "broke during the commit): " + e.getMessage() + " [SQLState " + e.getSQLState() + "]. The request fails "
        + "closed; check the fleet database, then try again.";
  }

  /** Checks the chain's head record the way the file sink checks its last line; returns its hash. */
  private String checkHead(Head head) {
    String problem = AuditTable.headProblem(head, chain, keyId);
    if (problem != null) {
      throw new AuditLogException("The fleet's audit chain cannot be continued by this broker: record " + head.seq()
          + " " + problem + ". Run 'leasehold audit verify --jdbc URL' to find what changed.");
    }
    return AuditChain.split(head.record()).hash();
  }

  /** One record waiting for the writer, and its caller's hand-over. */
  private static final class Pending {
    private static final int QUEUED = 0;
    private static final int TAKEN = 1;
    private static final int CANCELLED = 2;

    final String fields;
    final CountDownLatch done = new CountDownLatch(1);
    final AtomicInteger state = new AtomicInteger(QUEUED);
    volatile RuntimeException failure;

    Pending(String fields) {
      this.fields = fields;
    }

    /** The writer claims it; false when its caller already gave up. */
    boolean take() {
      return state.compareAndSet(QUEUED, TAKEN);
    }

    /** The caller gives up; true when the writer had not claimed it (so it will never be written). */
    boolean cancel() {
      return state.compareAndSet(QUEUED, CANCELLED);
    }

    void complete(RuntimeException failure) {
      this.failure = failure;
      done.countDown();
    }
  }

  /** Configures a {@link PostgresAuditSink}. Not thread-safe. */
  public static final class Builder {
    private final PostgresFleet fleet;
    private AuditKey key;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private Duration recordTimeout = DEFAULT_RECORD_TIMEOUT;

    private Builder(PostgresFleet fleet) {
      this.fleet = fleet;
    }

    /**
     * Seals every record with {@code key} (HMAC-SHA256), as a keyed file log. Every broker of the fleet must
     * use the same key; a chain is keyed or unkeyed from its first record. Default: unkeyed.
     */
    public Builder key(AuditKey key) {
      this.key = Objects.requireNonNull(key, "key == null");
      return this;
    }

    /** The most records in one transaction; default {@value #DEFAULT_MAX_BATCH}, between 1 and 10,000. */
    public Builder maxBatch(int records) {
      if (records < 1 || records > 10_000) {
        throw new IllegalArgumentException("maxBatch must be between 1 and 10000, was " + records);
      }
      this.maxBatch = records;
      return this;
    }

    /**
     * The most records waiting for the writer before {@link #record} refuses at once; default {@value
     * #DEFAULT_QUEUE_CAPACITY}, between 1 and 1,000,000.
     */
    public Builder queueCapacity(int records) {
      if (records < 1 || records > 1_000_000) {
        throw new IllegalArgumentException("queueCapacity must be between 1 and 1000000, was " + records);
      }
      this.queueCapacity = records;
      return this;
    }

    /**
     * The longest {@link #record} waits for its commit before it throws; default 10 s, between 10 ms and 5
     * minutes. Keep it above the fleet's connection timeout so that a pool wait is reported as such.
     */
    public Builder recordTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.compareTo(Duration.ofMillis(10)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("recordTimeout must be between 10 ms and 5 minutes, was " + timeout);
      }
      this.recordTimeout = timeout;
      return this;
    }

    /**
     * Reads and checks the chain's head, then starts the writer.
     *
     * @throws FleetUnavailableException when the database cannot be read
     * @throws AuditLogException when the chain is sealed with another key (or keyed when this sink is not, or
     *     the reverse), or its head record was edited
     */
    public PostgresAuditSink build() {
      AuditChain probe = key == null ? AuditChain.unkeyed() : AuditChain.keyed(key.newMac(), key.id());
      Head head;
      try (Connection c = fleet.dataSource().getConnection()) {
        head = AuditTable.head(c);
      } catch (SQLException e) {
        throw new FleetUnavailableException("Could not read the fleet's audit chain: " + e.getMessage()
            + ". Check the fleet database and that the broker's role has the grants of docs/fleet.md.", e);
      }
      AuditCheckpoint found = null;
      if (head != null) {
        String problem = AuditTable.headProblem(head, probe, key == null ? null : key.id());
        if (problem != null) {
          throw new AuditLogException("The fleet's audit chain cannot be continued by this broker: record "
              + head.seq() + " " + problem + ". Run 'leasehold audit verify --jdbc URL' to find what changed.");
        }
        AuditChain.Parts parts = AuditChain.split(head.record());
        found = new AuditCheckpoint(head.seq(), parts.mac() != null ? parts.mac() : parts.hash());
      }
      PostgresAuditSink sink = new PostgresAuditSink(this, found);
      sink.writer.start();
      return sink;
    }
  }
}
