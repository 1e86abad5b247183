package dev.leasehold.fleet.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.fleet.Task;
import dev.leasehold.fleet.TaskCoordinator;
import dev.leasehold.fleet.TaskOutcome;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * One prompt per task across brokers, in PostgreSQL (docs/fleet.md): the asker holds the task's row in
 * {@code leasehold.tasks}; the others wait in {@code leasehold.task_waiters}, each with a one-time public key,
 * and get the outcome written into their own row, a lease only sealed to their key. A background thread listens
 * on {@value #CHANNEL} to wake waiters and to seal the leases this broker issued to brokers that join later, and
 * everything it is woken for is also polled every {@link #POLL}, since a notification can be missed.
 */
public final class PostgresTasks implements TaskCoordinator, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresTasks.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The notification channel; payloads are task digests only. */
  public static final String CHANNEL = "leasehold_tasks";
  /** How often a waiter looks again without a notification. */
  public static final Duration POLL = Duration.ofMillis(250);
  /** A broker whose heart-beat is older than this is gone, and its pending tasks may be asked again. */
  public static final Duration BROKER_GONE = Duration.ofSeconds(15);
  private static final Duration SWEEP = Duration.ofMinutes(1);

  private final Db db;
  private final DataSource pool;
  private final Macs macs;
  private final Clock clock;
  private final String brokerId;
  /** Issued leases this broker hands to brokers that join later, by task digest. */
  private final Map<String, Served> served = new ConcurrentHashMap<>();
  /** Monitors that waiters of a task sleep on, by task digest. */
  private final Map<String, Object> signals = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread listener;

  private record Served(String digest, TaskOutcome.Issued lease) {}

  /** What a claim's transaction found. */
  private record Step(boolean asking, boolean retry, String waiterId, dev.leasehold.fleet.postgres.internal.OneTimeKey key,
      String requestId) {
    static final Step ASKING = new Step(true, false, null, null, null);
    static final Step RETRY = new Step(false, true, null, null, null);
  }

  public PostgresTasks(DataSource pool, Db db, Macs macs, Clock clock, String brokerId) {
    this.pool = pool;
    this.db = db;
    this.macs = macs;
    this.clock = clock;
    this.brokerId = brokerId;
    this.listener = new Thread(this::listen, "leasehold-fleet-tasks");
    listener.setDaemon(true);
    listener.start();
  }

  // ---------------------------------------------------------------------------------------------- claiming

  @Override
  public Claim claim(Task task, String requestId, Instant deadline) {
    String digest = macs.digest("task", task.canonical());
    while (true) {
      if (!clock.instant().isBefore(deadline)) {
        throw timedOut(task);
      }
      Step step = db.tx("claim the task on role '" + task.roleKey() + "'", c -> claimOnce(c, digest, requestId,
          deadline));
      if (step.asking()) {
        return new Asking(digest, requestId);
      }
      if (step.retry()) {
        continue;
      }
      TaskOutcome outcome = await(task, digest, step, deadline);
      if (outcome != null) {
        return new Joined(outcome);
      }
    }
  }

  private Step claimOnce(Connection c, String digest, String requestId, Instant deadline) throws SQLException {
    Instant now = clock.instant();
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO leasehold.tasks (task_digest, request_id, "
        + "broker_id, status, created_at, expires_at) VALUES (?, ?, ?, 'pending', ?, ?) "
        + "ON CONFLICT (task_digest) DO NOTHING")) {
      ins.setString(1, digest);
      ins.setString(2, requestId);
      ins.setString(3, brokerId);
      ins.setTimestamp(4, Db.ts(now));
      ins.setTimestamp(5, Db.ts(deadline));
      if (ins.executeUpdate() == 1) {
        return Step.ASKING;
      }
    }
    String held;
    try (PreparedStatement sel = c.prepareStatement("SELECT t.request_id, t.broker_id, t.expires_at, b.last_seen "
        + "FROM leasehold.tasks t LEFT JOIN leasehold.brokers b ON b.broker_id = t.broker_id "
        + "WHERE t.task_digest = ? FOR SHARE OF t")) {
      sel.setString(1, digest);
      try (ResultSet rs = sel.executeQuery()) {
        if (!rs.next()) {
          return Step.RETRY; // settled or given up between the insert and the select
        }
        held = rs.getString(1);
        if (stale(rs.getString(2), rs.getTimestamp(3), rs.getTimestamp(4), now)) {
          try (PreparedStatement del = c.prepareStatement(
              "DELETE FROM leasehold.tasks WHERE task_digest = ? AND request_id = ?")) {
            del.setString(1, digest);
            del.setString(2, held);
            del.executeUpdate();
          }
          LOG.info("The fleet task of request {} was left by its broker (expired, or the broker is gone); asking "
              + "again.", held);
          return Step.RETRY;
        }
      }
    }
    OneTimeKey key = OneTimeKey.generate();
    String waiterId = UUID.randomUUID().toString();
    byte[] publicKey = key.publicKey();
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO leasehold.task_waiters (waiter_id, task_digest, "
        + "request_id, broker_id, public_key, key_tag, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ins.setString(1, waiterId);
      ins.setString(2, digest);
      ins.setString(3, held);
      ins.setString(4, brokerId);
      ins.setBytes(5, publicKey);
      ins.setBytes(6, macs.tag("waiter", digest, waiterId, held, publicKey));
      ins.setTimestamp(7, Db.ts(now));
      ins.setTimestamp(8, Db.ts(deadline));
      ins.executeUpdate();
    }
    Db.notify(c, CHANNEL, digest);
    return new Step(false, false, waiterId, key, held);
  }

  private boolean stale(String holder, Timestamp expiresAt, Timestamp lastSeen, Instant now) {
    if (!expiresAt.toInstant().isAfter(now)) {
      return true;
    }
    if (brokerId.equals(holder)) {
      return false;
    }
    return lastSeen == null || lastSeen.toInstant().plus(BROKER_GONE).isBefore(now);
  }

  /** Waits for this waiter's outcome; null when the asker went away and the task must be claimed again. */
  private TaskOutcome await(Task task, String digest, Step step, Instant deadline) {
    Object signal = signals.computeIfAbsent(digest, d -> new Object());
    try {
      return awaitOn(signal, task, digest, step, deadline);
    } finally {
      signals.remove(digest, signal); // another waiter of the digest in this process still polls
    }
  }

  private TaskOutcome awaitOn(Object signal, Task task, String digest, Step step, Instant deadline) {
    while (true) {
      Look look = db.tx("wait for the outcome of the task on role '" + task.roleKey() + "'", c -> look(c, step));
      Instant now = clock.instant();
      if (look == null) {
        return null; // our row was removed: claim again
      }
      if (look.outcome() != null) {
        deleteWaiter(step.waiterId());
        return decode(digest, step, look);
      }
      if (look.heldBy() == null || !look.heldBy().equals(step.requestId())
          || stale(look.broker(), look.expiresAt(), look.lastSeen(), now)) {
        deleteWaiter(step.waiterId());
        return null;
      }
      if (!now.isBefore(deadline)) {
        deleteWaiter(step.waiterId());
        throw timedOut(task);
      }
      synchronized (signal) {
        try {
          signal.wait(Math.max(1, Math.min(POLL.toMillis(), Duration.between(now, deadline).toMillis())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          deleteWaiter(step.waiterId());
          throw new ApprovalTimedOutException("Interrupted while waiting for the approval of the same task on role '"
              + task.roleKey() + "' asked on another broker.");
        }
      }
    }
  }

  private record Look(String outcome, String detail, byte[] sealed, byte[] tag, String heldBy, String broker,
      Timestamp expiresAt, Timestamp lastSeen) {}

  private static Look look(Connection c, Step step) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT w.outcome, w.detail, w.sealed, w.tag, t.request_id, "
        + "t.broker_id, t.expires_at, b.last_seen FROM leasehold.task_waiters w "
        + "LEFT JOIN leasehold.tasks t ON t.task_digest = w.task_digest "
        + "LEFT JOIN leasehold.brokers b ON b.broker_id = t.broker_id WHERE w.waiter_id = ?")) {
      st.setString(1, step.waiterId());
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new Look(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getBytes(4), rs.getString(5),
            rs.getString(6), rs.getTimestamp(7), rs.getTimestamp(8));
      }
    }
  }

  private TaskOutcome decode(String digest, Step step, Look look) {
    String requestId = step.requestId();
    if (!macs.verify(look.tag(), "outcome", step.waiterId(), requestId, look.outcome(), String.valueOf(look.detail()),
        look.sealed() == null ? new byte[0] : look.sealed())) {
      LOG.warn("The outcome for request {} in the fleet database failed its integrity check; it is ignored.",
          requestId);
      throw new FleetUnavailableException("The outcome of request " + requestId + " that this broker waited for in "
          + "the fleet database does not carry a valid tag of the fleet's hand-off key: the row was written by "
          + "something other than a broker of this fleet. Nothing was handed out. Check who can write the fleet "
          + "database, then ask again.", null);
    }
    try {
      switch (look.outcome()) {
        case "issued": {
          byte[] plain = step.key().open(look.sealed(), context(digest, step.waiterId(), requestId));
          try {
            JsonNode n = JSON.readTree(plain);
            if (!requestId.equals(n.path("requestId").asText())) {
              throw new FleetUnavailableException("The lease handed over for request " + requestId + " names another "
                  + "request; nothing was handed out. Ask again.", null);
            }
            return new TaskOutcome.Issued(requestId, n.path("approver").asText(),
                AwsSessionCredentials.builder().accessKeyId(n.path("accessKeyId").asText())
                    .secretAccessKey(n.path("secretAccessKey").asText()).sessionToken(n.path("sessionToken").asText())
                    .expirationTime(Instant.parse(n.path("expiration").asText())).build(),
                Instant.parse(n.path("expiration").asText()), n.path("assumedRoleArn").asText(),
                Instant.parse(n.path("handOutUntil").asText()), n.path("issuedBy").asText());
          } finally {
            Arrays.fill(plain, (byte) 0);
          }
        }
        case "denied": {
          JsonNode n = JSON.readTree(look.detail());
          return new TaskOutcome.Denied(requestId, n.path("approver").asText(), n.path("note").asText(""));
        }
        case "expired":
          return new TaskOutcome.Expired(requestId);
        default: {
          JsonNode n = JSON.readTree(look.detail());
          return new TaskOutcome.Failed(requestId, n.path("error").asText("ApprovalUnavailableException"),
              n.path("message").asText("The request failed on another broker."));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof FleetUnavailableException f) {
        throw f;
      }
      throw new FleetUnavailableException("The outcome of request " + requestId + " could not be read from the fleet "
          + "database (" + e.getClass().getSimpleName() + "); nothing was handed out. Ask again.", null);
    }
  }

  private void deleteWaiter(String waiterId) {
    try {
      db.tx("remove a waiter", c -> {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM leasehold.task_waiters WHERE waiter_id = ?")) {
          st.setString(1, waiterId);
          return st.executeUpdate();
        }
      });
    } catch (FleetUnavailableException e) {
      LOG.debug("Could not remove waiter {} (it expires by itself): {}", waiterId, e.getMessage());
    }
  }

  private static String context(String digest, String waiterId, String requestId) {
    return "lease " + digest + " " + waiterId + " " + requestId;
  }

  private static ApprovalTimedOutException timedOut(Task task) {
    return new ApprovalTimedOutException("Waited for the approval of the same task on role '" + task.roleKey()
        + "', asked on another broker of the fleet, without an answer before the deadline. Try again later.");
  }

  // ------------------------------------------------------------------------------------------------ asking

  /** This broker asks; it settles the task once. */
  private final class Asking implements TaskCoordinator.Asking {
    private final String digest;
    private final String requestId;
    private final AtomicBoolean settled = new AtomicBoolean();

    Asking(String digest, String requestId) {
      this.digest = digest;
      this.requestId = requestId;
    }

    @Override
    public void settle(TaskOutcome outcome) {
      if (!settled.compareAndSet(false, true)) {
        return;
      }
      try {
        if (outcome instanceof TaskOutcome.Issued issued) {
          issue(issued);
        } else {
          refuse(outcome);
        }
      } catch (RuntimeException e) {
        LOG.warn("Request {} could not tell the other brokers its outcome ({}); they ask again when its claim "
            + "expires.", requestId, e.getMessage());
      }
    }

    private void issue(TaskOutcome.Issued issued) {
      Integer updated = db.tx("hand the lease of request " + requestId + " to the fleet", c -> {
        try (PreparedStatement st = c.prepareStatement("UPDATE leasehold.tasks SET status = 'issued', approver = ?, "
            + "expires_at = ? WHERE task_digest = ? AND request_id = ?")) {
          st.setString(1, issued.approver());
          st.setTimestamp(2, Db.ts(issued.handOutUntil()));
          st.setString(3, digest);
          st.setString(4, requestId);
          return st.executeUpdate();
        }
      });
      if (updated == 0) {
        LOG.info("The fleet task of request {} was taken over by another broker; its lease stays on this one.",
            requestId);
        return;
      }
      Served s = new Served(digest, new TaskOutcome.Issued(issued.requestId(), issued.approver(),
          issued.credentials(), issued.expiration(), issued.assumedRoleArn(), issued.handOutUntil(), brokerId));
      served.put(digest, s);
      serve(s);
    }

    private void refuse(TaskOutcome outcome) {
      String kind;
      ObjectNode detail = JSON.createObjectNode();
      if (outcome instanceof TaskOutcome.Denied d) {
        kind = "denied";
        detail.put("approver", d.approver());
        detail.put("note", d.note());
      } else if (outcome instanceof TaskOutcome.Expired) {
        kind = "expired";
      } else {
        TaskOutcome.Failed f = (TaskOutcome.Failed) outcome;
        kind = "failed";
        detail.put("error", f.error());
        detail.put("message", f.message());
      }
      String detailText = detail.toString();
      db.tx("tell the fleet the outcome of request " + requestId, c -> {
        try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM leasehold.tasks WHERE task_digest = ? "
            + "AND request_id = ? FOR UPDATE")) {
          lock.setString(1, digest);
          lock.setString(2, requestId);
          lock.executeQuery().close();
        }
        List<String> waiters = new ArrayList<>();
        try (PreparedStatement sel = c.prepareStatement("SELECT waiter_id FROM leasehold.task_waiters "
            + "WHERE task_digest = ? AND request_id = ? AND outcome IS NULL FOR UPDATE")) {
          sel.setString(1, digest);
          sel.setString(2, requestId);
          try (ResultSet rs = sel.executeQuery()) {
            while (rs.next()) {
              waiters.add(rs.getString(1));
            }
          }
        }
        try (PreparedStatement up = c.prepareStatement("UPDATE leasehold.task_waiters SET outcome = ?, detail = ?, "
            + "tag = ? WHERE waiter_id = ?")) {
          for (String w : waiters) {
            up.setString(1, kind);
            up.setString(2, detailText);
            up.setBytes(3, macs.tag("outcome", w, requestId, kind, detailText, new byte[0]));
            up.setString(4, w);
            up.addBatch();
          }
          up.executeBatch();
        }
        deleteTask(c, digest, requestId);
        Db.notify(c, CHANNEL, digest);
        return null;
      });
    }

    @Override
    public void withdraw() {
      served.remove(digest);
      giveUp();
    }

    @Override
    public void close() {
      if (settled.compareAndSet(false, true)) {
        giveUp();
      }
    }

    private void giveUp() {
      try {
        db.tx("give up the task of request " + requestId, c -> {
          deleteTask(c, digest, requestId);
          Db.notify(c, CHANNEL, digest);
          return null;
        });
      } catch (FleetUnavailableException e) {
        LOG.debug("Could not give up the fleet task of request {} (its claim expires by itself): {}", requestId,
            e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "PostgresTasks.Asking[request " + requestId + "]";
    }
  }

  private static void deleteTask(Connection c, String digest, String requestId) throws SQLException {
    try (PreparedStatement del = c.prepareStatement(
        "DELETE FROM leasehold.tasks WHERE task_digest = ? AND request_id = ?")) {
      del.setString(1, digest);
      del.setString(2, requestId);
      del.executeUpdate();
    }
  }

  /** Seals this broker's lease of a task to every broker waiting for it. */
  private void serve(Served s) {
    if (!clock.instant().isBefore(s.lease().handOutUntil())) {
      served.remove(s.digest(), s);
      return;
    }
    TaskOutcome.Issued lease = s.lease();
    db.tx("hand the lease of request " + lease.requestId() + " to waiting brokers", c -> {
      record Waiter(String id, byte[] publicKey, byte[] keyTag) {}
      List<Waiter> waiters = new ArrayList<>();
      try (PreparedStatement sel = c.prepareStatement("SELECT waiter_id, public_key, key_tag FROM "
          + "leasehold.task_waiters WHERE task_digest = ? AND request_id = ? AND outcome IS NULL "
          + "FOR UPDATE SKIP LOCKED")) {
        sel.setString(1, s.digest());
        sel.setString(2, lease.requestId());
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            waiters.add(new Waiter(rs.getString(1), rs.getBytes(2), rs.getBytes(3)));
          }
        }
      }
      if (waiters.isEmpty()) {
        return null;
      }
      byte[] plain = payload(lease);
      try (PreparedStatement up = c.prepareStatement("UPDATE leasehold.task_waiters SET outcome = 'issued', "
          + "detail = NULL, sealed = ?, tag = ? WHERE waiter_id = ?");
          PreparedStatement drop = c.prepareStatement("DELETE FROM leasehold.task_waiters WHERE waiter_id = ?")) {
        for (Waiter w : waiters) {
          if (!macs.verify(w.keyTag(), "waiter", s.digest(), w.id(), lease.requestId(), w.publicKey())) {
            LOG.warn("A waiter row for request {} carries a key that no broker of this fleet published; the lease "
                + "is not sealed to it and the row is removed.", lease.requestId());
            drop.setString(1, w.id());
            drop.executeUpdate();
            continue;
          }
          byte[] sealed = OneTimeKey.seal(w.publicKey(), context(s.digest(), w.id(), lease.requestId()), plain);
          up.setBytes(1, sealed);
          up.setBytes(2, macs.tag("outcome", w.id(), lease.requestId(), "issued", "null", sealed));
          up.setString(3, w.id());
          up.executeUpdate();
        }
      } finally {
        Arrays.fill(plain, (byte) 0);
      }
      Db.notify(c, CHANNEL, s.digest());
      return null;
    });
  }

  private static byte[] payload(TaskOutcome.Issued lease) {
    ObjectNode n = JSON.createObjectNode();
    n.put("requestId", lease.requestId());
    n.put("approver", lease.approver());
    n.put("accessKeyId", lease.credentials().accessKeyId());
    n.put("secretAccessKey", lease.credentials().secretAccessKey());
    n.put("sessionToken", lease.credentials().sessionToken());
    n.put("expiration", lease.expiration().toString());
    n.put("assumedRoleArn", lease.assumedRoleArn());
    n.put("handOutUntil", lease.handOutUntil().toString());
    n.put("issuedBy", lease.issuedBy());
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("could not write the lease payload", e);
    }
  }

  // ---------------------------------------------------------------------------------------------- listener

  private void listen() {
    Instant lastSweep = Instant.EPOCH;
    long lastServeAll = 0;
    while (!closed.get()) {
      try (Connection c = pool.getConnection()) {
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed.get()) {
          PGNotification[] notes = pg.getNotifications((int) POLL.toMillis());
          if (notes != null) {
            for (PGNotification n : notes) {
              wake(n.getParameter());
              Served s = served.get(n.getParameter());
              if (s != null) {
                serveQuietly(s);
              }
            }
          }
          if (System.nanoTime() - lastServeAll > POLL.toNanos()) {
            lastServeAll = System.nanoTime();
            served.values().forEach(this::serveQuietly);
            signals.keySet().forEach(this::wake);
          }
          if (clock.instant().isAfter(lastSweep.plus(SWEEP))) {
            lastSweep = clock.instant();
            sweep();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed.get()) {
          return;
        }
        LOG.debug("The fleet task listener lost its connection ({}); polling until it is back.", e.toString());
        signals.keySet().forEach(this::wake);
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void wake(String digest) {
    Object signal = signals.get(digest);
    if (signal != null) {
      synchronized (signal) {
        signal.notifyAll();
      }
    }
  }

  private void serveQuietly(Served s) {
    try {
      serve(s);
    } catch (RuntimeException e) {
      LOG.debug("Could not hand the lease of request {} to waiting brokers yet: {}", s.lease().requestId(),
          e.getMessage());
    }
  }

  /** Removes rows that outlived their use (any broker may; each statement is idempotent). */
  private void sweep() {
    try {
      db.tx("remove expired coordination rows", c -> {
        Timestamp now = Db.ts(clock.instant());
        for (String sql : new String[] {
            "DELETE FROM leasehold.tasks WHERE expires_at < ?",
            "DELETE FROM leasehold.task_waiters WHERE expires_at < ?",
            "DELETE FROM leasehold.prompts WHERE expires_at <= ?",
            "DELETE FROM leasehold.denials WHERE expires_at <= ?"}) {
          try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setTimestamp(1, now);
            st.executeUpdate();
          }
        }
        return null;
      });
    } catch (FleetUnavailableException e) {
      LOG.debug("Sweeping expired coordination rows failed: {}", e.getMessage());
    }
  }

  /** Stops the listener; leases this broker issued are no longer handed to other brokers. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      served.clear();
      listener.interrupt();
      try {
        listener.join(POLL.toMillis() * 4);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "PostgresTasks[broker " + brokerId + ", serving " + served.size() + "]";
  }
}
