package dev.leasehold.fleet.postgres.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.DecisionRelay;
import dev.leasehold.approval.MfaCode;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
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
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DecisionRelay} of a PostgreSQL fleet: tables {@code leasehold.relay_requests} and
 * {@code leasehold.relay_decisions} (migration V4), {@code NOTIFY leasehold_relay} to wake the asking broker,
 * and polling as the fallback.
 *
 * <p>How the rules of {@link DecisionRelay} are kept here:
 * <ul>
 *   <li>{@link #announce} creates a {@link OneTimeKey} per request, keeps its private half in this object only,
 *       and writes the public half with the request's non-secret facts.</li>
 *   <li>{@link #deliver} seals the MFA code to that public key with the context {@code "mfa:" + requestId}
 *       and inserts the decision with {@code INSERT ... SELECT ... WHERE EXISTS (pending, before its deadline)
 *       ON CONFLICT DO NOTHING}: the primary key makes the first decision win, atomically, and a request that
 *       is gone takes none. The same transaction sends {@code NOTIFY leasehold_relay} with the request id as
 *       its only payload.</li>
 *   <li>The asking broker reads the decisions of its own announced requests when a notification names one,
 *       after (re)connecting its listening connection (notifications are delivered only to sessions that
 *       listen at commit time), and every poll interval. It opens the code, hands the decision to the
 *       request's receiver, and deletes the request's row (the decision row goes with it) once the receiver
 *       took it, or only the decision row when the receiver refused it.</li>
 *   <li>Every poll also deletes rows of any broker whose deadline passed more than {@link #STALE_GRACE} ago
 *       (a broker that died mid-approval leaves rows behind).</li>
 * </ul>
 *
 * <p>One connection of the pool is held for {@code LISTEN}; when it fails, the relay logs it, keeps polling,
 * and reconnects after {@link #RECONNECT_DELAY} (measured with the fleet's clock). Times come from the fleet's
 * clock, not the database's, so that every broker judges deadlines the same way as its channel does.
 *
 * <p>Thread-safe. The fleet closes it; {@link #close()} stops both threads and withdraws nothing (the
 * channel withdraws its announcements; rows left behind expire).
 */
public final class PostgresDecisionRelay implements DecisionRelay, AutoCloseable {
  /** The {@code LISTEN}/{@code NOTIFY} channel; the payload is a request id, nothing else. */
  public static final String CHANNEL = "leasehold_relay";
  /** How long after its deadline any broker deletes a request's rows (tolerates clock skew between brokers). */
  public static final Duration STALE_GRACE = Duration.ofMinutes(1);
  /** How long the relay waits, on the fleet's clock, before it reconnects its listening connection. */
  public static final Duration RECONNECT_DELAY = Duration.ofSeconds(5);
  private static final Duration TICK = Duration.ofMillis(50);
  private static final int NOTIFICATION_WAIT_MILLIS = 250;
  private static final int MAX_ID = 200;
  private static final int FIND_TIMEOUT_SECONDS = 2;
  private static final Logger LOG = LoggerFactory.getLogger(PostgresDecisionRelay.class);

  private final DataSource pool;
  private final String brokerId;
  private final Clock clock;
  private final Duration pollInterval;
  private final ConcurrentMap<String, Local> announced = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private final Thread listener;
  private volatile boolean closed;
  private volatile Instant nextPoll;

  /** One request this broker announced. */
  private static final class Local {
    final RelayedRequest request;
    final OneTimeKey key;
    final Receiver receiver;
    boolean done; // guarded by this

    Local(RelayedRequest request, OneTimeKey key, Receiver receiver) {
      this.request = request;
      this.key = key;
      this.receiver = receiver;
    }
  }

  /**
   * Creates the relay and starts its listening and polling threads.
   *
   * @param pool the fleet's connection pool; one connection is held for {@code LISTEN}
   * @param brokerId this broker's id
   * @param clock the fleet's clock
   * @param pollInterval how often the broker looks for decisions without a notification
   */
  public PostgresDecisionRelay(DataSource pool, String brokerId, Clock clock, Duration pollInterval) {
    this.pool = Objects.requireNonNull(pool, "pool == null");
    this.brokerId = Objects.requireNonNull(brokerId, "brokerId == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval == null");
    this.nextPoll = clock.instant().plus(pollInterval);
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "leasehold-relay-poll");
      t.setDaemon(true);
      return t;
    });
    this.listener = new Thread(this::listen, "leasehold-relay-listen");
    this.listener.setDaemon(true);
    this.listener.start();
    this.poller.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- asking side ----

  @Override
  public Announcement announce(RelayedRequest request, Receiver receiver) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(receiver, "receiver == null");
    if (closed) {
      throw new IllegalStateException("The fleet's decision relay is closed");
    }
    if (request.requestId().length() > MAX_ID) {
      throw new IllegalArgumentException("A relayed request id has at most " + MAX_ID + " characters");
    }
    Local local = new Local(request, OneTimeKey.generate(), receiver);
    if (announced.putIfAbsent(request.requestId(), local) != null) {
      throw new IllegalStateException("Request " + request.requestId() + " is already announced by this broker");
    }
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("INSERT INTO leasehold.relay_requests (request_id, broker_id, "
            + "public_key, role_key, environment, agent, digest, requires_mfa, requires_role_key, conversation, "
            + "message_id, deadline, announced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      st.setString(1, request.requestId());
      st.setString(2, brokerId);
      st.setBytes(3, local.key.publicKey());
      st.setString(4, request.roleKey());
      st.setString(5, request.environment());
      st.setString(6, request.agent());
      st.setString(7, request.digest());
      st.setBoolean(8, request.requiresMfa());
      st.setBoolean(9, request.requiresRoleKeyConfirmation());
      st.setString(10, request.conversation());
      st.setString(11, request.messageId());
      st.setTimestamp(12, Timestamp.from(request.deadline()));
      st.setTimestamp(13, Timestamp.from(clock.instant()));
      st.executeUpdate();
    } catch (SQLException e) {
      announced.remove(request.requestId(), local);
      throw unavailable("announce", request.requestId(), e);
    }
    LOG.debug("Broker {} announced request {} to the fleet", brokerId, request.requestId());
    return () -> withdraw(local);
  }

  private void withdraw(Local local) {
    String id = local.request.requestId();
    synchronized (local) {
      local.done = true;
    }
    if (!announced.remove(id, local)) {
      return;
    }
    deleteRequest(id, "withdraw");
  }

  /** Reads and hands over the decisions relayed for {@code ids}, if they are this broker's. Never throws. */
  private void collect(Collection<String> ids) {
    if (ids.isEmpty() || closed) {
      return;
    }
    List<String[]> rows = new ArrayList<>();
    List<byte[]> codes = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("SELECT d.request_id, d.outcome, d.approver, d.sealed_code "
            + "FROM leasehold.relay_decisions d JOIN leasehold.relay_requests r ON r.request_id = d.request_id "
            + "WHERE r.broker_id = ? AND d.request_id = ANY (?)")) {
      Array array = c.createArrayOf("text", ids.toArray());
      st.setString(1, brokerId);
      st.setArray(2, array);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
          codes.add(rs.getBytes(4));
        }
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Broker {} could not read relayed decisions ({}); it tries again at the next poll", brokerId,
          describe(e));
      return;
    }
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      Local local = announced.get(row[0]);
      if (local != null) {
        take(local, row[1], row[2], codes.get(i));
      }
    }
  }

  private void take(Local local, String outcome, String approver, byte[] sealed) {
    String id = local.request.requestId();
    boolean accepted;
    synchronized (local) {
      if (local.done) {
        return;
      }
      Decision decision = decode(local, outcome, approver, sealed);
      accepted = decision != null && local.receiver.accept(decision);
      if (accepted) {
        local.done = true;
      }
    }
    if (accepted) {
      announced.remove(id, local);
      deleteRequest(id, "delete the used decision of");
    } else {
      deleteDecision(id);
    }
  }

  private Decision decode(Local local, String outcome, String approver, byte[] sealed) {
    String id = local.request.requestId();
    if ("denied".equals(outcome)) {
      return new Decision.Denied(id, approver, "");
    }
    if (!"approved".equals(outcome) || sealed == null) {
      LOG.warn("Broker {} discarded a malformed relayed decision for request {}", brokerId, id);
      return null;
    }
    byte[] code = null;
    try {
      code = local.key.open(sealed, context(id));
      String digits = new String(code, StandardCharsets.US_ASCII);
      if (!MfaCode.isWellFormed(digits)) {
        LOG.warn("Broker {} discarded a relayed approval of request {}: its code is not 6 digits", brokerId, id);
        return null;
      }
      return Decision.Approved.withCode(id, approver, MfaCode.of(digits));
    } catch (IllegalArgumentException e) {
      LOG.warn("Broker {} discarded a relayed approval of request {}: its code was not sealed to this request's "
          + "key (altered, or sealed for another request)", brokerId, id);
      return null;
    } finally {
      if (code != null) {
        Arrays.fill(code, (byte) 0);
      }
    }
  }

  private void deleteRequest(String id, String what) {
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement(
            "DELETE FROM leasehold.relay_requests WHERE request_id = ? AND broker_id = ?")) {
      st.setString(1, id);
      st.setString(2, brokerId);
      st.executeUpdate();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Broker {} could not {} request {} ({}); its rows expire at its deadline", brokerId, what, id,
          describe(e));
    }
  }

  private void deleteDecision(String id) {
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("DELETE FROM leasehold.relay_decisions WHERE request_id = ?")) {
      st.setString(1, id);
      st.executeUpdate();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Broker {} could not discard a refused decision of request {} ({})", brokerId, id, describe(e));
    }
  }

  // ---- receiving side ----

  @Override
  public Optional<RelayedRequest> find(String requestId) {
    if (requestId == null || requestId.isEmpty() || requestId.length() > MAX_ID) {
      return Optional.empty();
    }
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("SELECT request_id, role_key, environment, agent, digest, "
            + "requires_mfa, requires_role_key, conversation, message_id, deadline FROM leasehold.relay_requests "
            + "WHERE request_id = ? AND deadline > ?")) {
      st.setQueryTimeout(FIND_TIMEOUT_SECONDS); // the caller has to acknowledge Slack within 3 s
      st.setString(1, requestId);
      st.setTimestamp(2, Timestamp.from(clock.instant()));
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new RelayedRequest(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getBoolean(6), rs.getBoolean(7), rs.getString(8), rs.getString(9),
            rs.getTimestamp(10).toInstant()));
      }
    } catch (SQLException e) {
      throw unavailable("look up", requestId, e);
    }
  }

  @Override
  public Delivery deliver(RelayedRequest request, Decision decision) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(decision, "decision == null");
    String id = request.requestId();
    if (!id.equals(decision.requestId())) {
      throw new IllegalArgumentException("A decision for request " + decision.requestId()
          + " cannot be relayed as the decision of request " + id);
    }
    String outcome;
    String approver;
    MfaCode code = null;
    if (decision instanceof Decision.Approved approved) {
      outcome = "approved";
      approver = approved.approver();
      code = approved.mfaCode().orElseThrow(() -> new IllegalArgumentException(
          "An approval without an MFA code is never relayed between brokers (request " + id + ")"));
    } else if (decision instanceof Decision.Denied denied) {
      outcome = "denied";
      approver = denied.approver();
    } else {
      throw new IllegalArgumentException("Only an approval or a denial is relayed, not " + decision);
    }
    Timestamp now = Timestamp.from(clock.instant());
    try (Connection c = pool.getConnection()) {
      byte[] publicKey;
      try (PreparedStatement st = c.prepareStatement(
          "SELECT public_key FROM leasehold.relay_requests WHERE request_id = ? AND deadline > ?")) {
        st.setString(1, id);
        st.setTimestamp(2, now);
        try (ResultSet rs = st.executeQuery()) {
          if (!rs.next()) {
            return Delivery.NOT_PENDING;
          }
          publicKey = rs.getBytes(1);
        }
      }
      byte[] sealed = null;
      if (code != null) {
        byte[] clear = code.reveal().getBytes(StandardCharsets.US_ASCII);
        try {
          sealed = OneTimeKey.seal(publicKey, context(id), clear);
        } catch (IllegalArgumentException e) {
          LOG.warn("Broker {} could not seal a code to the key published for request {} (malformed key); the "
              + "decision was not relayed", brokerId, id);
          return Delivery.NOT_PENDING;
        } finally {
          Arrays.fill(clear, (byte) 0);
        }
      }
      c.setAutoCommit(false);
      try {
        int inserted;
        try (PreparedStatement st = c.prepareStatement("INSERT INTO leasehold.relay_decisions (request_id, outcome, "
            + "approver, sealed_code, relayed_by, decided_at) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "
            + "leasehold.relay_requests WHERE request_id = ? AND deadline > ?) ON CONFLICT (request_id) DO NOTHING")) {
          st.setString(1, id);
          st.setString(2, outcome);
          st.setString(3, approver);
          st.setBytes(4, sealed);
          st.setString(5, brokerId);
          st.setTimestamp(6, now);
          st.setString(7, id);
          st.setTimestamp(8, now);
          inserted = st.executeUpdate();
        }
        if (inserted == 1) {
          try (PreparedStatement st = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            st.setString(1, id);
            st.execute();
          }
        }
        c.commit();
        if (inserted == 1) {
          return Delivery.DELIVERED;
        }
      } catch (SQLException e) {
        c.rollback();
        if ("23503".equals(e.getSQLState())) { // the request was withdrawn between the check and the insert
          return Delivery.NOT_PENDING;
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      try (PreparedStatement st = c.prepareStatement(
          "SELECT 1 FROM leasehold.relay_decisions WHERE request_id = ?")) {
        st.setString(1, id);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Delivery.ALREADY_DECIDED : Delivery.NOT_PENDING;
        }
      }
    } catch (SQLException e) {
      throw unavailable("relay the decision on", id, e);
    }
  }

  // ---- waking up: LISTEN/NOTIFY, polling, expiry ----

  private void listen() {
    while (!closed) {
      Connection c = null;
      try {
        c = pool.getConnection();
        listenOn(c);
        c.close();
      } catch (SQLException | RuntimeException e) {
        // the driver failed below the pool, which would otherwise lend the dead connection out again
        evict(c);
        if (closed) {
          return;
        }
        LOG.warn("Broker {} lost its connection for relayed-decision notifications ({}); it polls every {} ms and "
            + "listens again in {} s", brokerId, describe(e), pollInterval.toMillis(), RECONNECT_DELAY.toSeconds());
        Instant until = clock.instant().plus(RECONNECT_DELAY);
        while (!closed && clock.instant().isBefore(until)) {
          sleep(TICK);
        }
      }
    }
  }

  /** Listens on {@code c} until the relay closes; throws when the connection fails. */
  private void listenOn(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    try (Statement st = c.createStatement()) {
      st.execute("SELECT set_config('application_name', 'leasehold-relay " + brokerId.replace("'", "")
          + "', false)");
      st.execute("LISTEN " + CHANNEL);
    }
    LOG.debug("Broker {} listens for relayed decisions", brokerId);
    collect(Set.copyOf(announced.keySet())); // what was relayed while nobody listened
    while (!closed) {
      PGNotification[] notifications = pg.getNotifications(NOTIFICATION_WAIT_MILLIS);
      if (notifications == null || notifications.length == 0) {
        continue;
      }
      Set<String> mine = new LinkedHashSet<>();
      for (PGNotification n : notifications) {
        if (CHANNEL.equals(n.getName()) && announced.containsKey(n.getParameter())) {
          mine.add(n.getParameter());
        }
      }
      collect(mine);
    }
    try (Statement st = c.createStatement()) {
      st.execute("UNLISTEN *");
      st.execute("RESET application_name");
    }
  }

  private void evict(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      if (pool instanceof HikariDataSource hikari) {
        hikari.evictConnection(connection);
      }
      connection.close();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("Could not drop the failed listening connection ({})", e.getClass().getSimpleName());
    }
  }

  private void tick() {
    try {
      Instant now = clock.instant();
      if (closed || now.isBefore(nextPoll)) {
        return;
      }
      nextPoll = now.plus(pollInterval);
      collect(Set.copyOf(announced.keySet()));
      expire(now);
    } catch (RuntimeException e) {
      LOG.warn("Broker {} failed to poll for relayed decisions ({})", brokerId, e.getClass().getSimpleName());
    }
  }

  private void expire(Instant now) {
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("DELETE FROM leasehold.relay_requests WHERE deadline < ?")) {
      st.setTimestamp(1, Timestamp.from(now.minus(STALE_GRACE)));
      int gone = st.executeUpdate();
      if (gone > 0) {
        LOG.info("Broker {} removed {} relayed request(s) past their deadline", brokerId, gone);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Broker {} could not remove expired relayed requests ({})", brokerId, describe(e));
    }
  }

  private static String context(String requestId) {
    return "mfa:" + requestId;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The first line of a database error (PostgreSQL's detail lines may quote row values). */
  private static String describe(Exception e) {
    String message = e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private ApprovalChannelException unavailable(String what, String requestId, SQLException e) {
    return new ApprovalChannelException(ApprovalChannelException.Kind.UNAVAILABLE, "Broker " + brokerId
        + " could not " + what + " request " + requestId + " in the fleet database (" + describe(e)
        + "); check that PostgreSQL is reachable. Nothing was decided.", e);
  }

  /** Stops listening and polling; waits a bounded time for the threads. Idempotent, never throws. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    poller.shutdownNow();
    listener.interrupt();
    try {
      poller.awaitTermination(2, TimeUnit.SECONDS);
      listener.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "PostgresDecisionRelay[broker " + brokerId + ", poll " + pollInterval + "]";
  }
}
