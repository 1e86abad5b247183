package dev.leasehold.fleet.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.approval.DecisionRelay;
import dev.leasehold.fleet.Coordination;
import dev.leasehold.fleet.postgres.internal.FleetSchema;
import dev.leasehold.fleet.postgres.internal.PostgresCoordination;
import dev.leasehold.fleet.postgres.internal.PostgresDecisionRelay;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker's connection to the fleet's PostgreSQL database: the shared state that lets many brokers act
 * as one (see docs/fleet.md).
 *
 * <p>The rules: {@link Builder#start()} connects before anything is served and refuses to start, with a
 * {@link FleetUnavailableException} that says what to fix, when the database cannot be reached, when its
 * schema is newer than this broker knows (upgrade the broker) or older (run the migration: {@link
 * Builder#migrate(boolean)} or {@code leasehold fleet migrate}); every database wait is bounded (connection
 * checkout by {@link Builder#connectionTimeout(Duration)}, statements by a statement timeout); while it
 * runs the broker refreshes its row in {@code leasehold.brokers} so that peers can tell it is alive. The
 * password is never logged or shown in {@code toString()}.
 */
public final class PostgresFleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresFleet.class);
  /** How often a broker refreshes its row in {@code leasehold.brokers}. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(5);
  /** How often, by default, the decision relay polls for decisions it was not notified of. */
  public static final Duration DEFAULT_RELAY_POLL_INTERVAL = Duration.ofSeconds(2);

  private final HikariDataSource pool;
  private final String brokerId;
  private final Clock clock;
  private final Duration statementTimeout;
  private final ScheduledExecutorService heartbeat;
  private final Duration connectionTimeout;
  private final Duration relayPollInterval;
  private PostgresCoordination coordination;
  private byte[] coordinationKey;
  private PostgresDecisionRelay relay; // guarded by this

  private PostgresFleet(HikariDataSource pool, String brokerId, Clock clock, Duration statementTimeout,
      Duration connectionTimeout, Duration relayPollInterval) {
    this.pool = pool;
    this.connectionTimeout = connectionTimeout;
    this.relayPollInterval = relayPollInterval;
    this.brokerId = brokerId;
    this.clock = clock;
    this.statementTimeout = statementTimeout;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "leasehold-fleet-heartbeat");
      t.setDaemon(true);
      return t;
    });
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The schema version this build of Leasehold knows (the newest migration it carries). */
  public static int knownSchemaVersion() {
    return FleetSchema.KNOWN_VERSION;
  }

  /**
   * Brings the schema at {@code jdbcUrl} up to {@link #knownSchemaVersion()}, as an administrator (a role that
   * may create tables; brokers then run as a role with the grants of docs/fleet.md).
   *
   * @return the schema version after migrating
   * @throws FleetUnavailableException when the database cannot be reached or its schema is newer
   */
  public static int migrate(String jdbcUrl, String user, String password) {
    HikariDataSource ds = Builder.pool(jdbcUrl, user, password, 2, Duration.ofSeconds(10), Duration.ofSeconds(30));
    try (ds) {
      return FleetSchema.migrate(ds);
    }
  }

  /** This broker's id in the fleet (unique per process). */
  public String brokerId() {
    return brokerId;
  }

  /** The clock that dates the fleet's rows and expiries. */
  public Clock clock() {
    return clock;
  }

  /** The connection pool (bounded; checkout waits at most the configured connection timeout). */
  public DataSource dataSource() {
    return pool;
  }

  /** The longest a single statement may run, in milliseconds, as set on each connection. */
  public Duration statementTimeout() {
    return statementTimeout;
  }

  /**
   * This broker's shared guard rails (prompt rate limit, denial cool-down) and "one prompt per task" in the fleet
   * database, to give to {@code AwsSessionFactory.builder().coordination(...)}: see docs/fleet.md. Every broker of
   * the fleet must be given the same {@code key}. The same object on every call; closed with the fleet.
   *
   * @throws IllegalStateException when called again with another key
   */
  public synchronized Coordination coordination(HandOffKey key) {
    java.util.Objects.requireNonNull(key, "key == null");
    byte[] bytes = key.bytes();
    if (coordination != null) {
      boolean same = java.security.MessageDigest.isEqual(bytes, coordinationKey);
      java.util.Arrays.fill(bytes, (byte) 0);
      if (!same) {
        throw new IllegalStateException("This fleet's coordination was already made with another hand-off key; "
            + "every broker of a fleet uses one key.");
      }
      return coordination;
    }
    coordinationKey = bytes.clone();
    coordination = new PostgresCoordination(pool, connectionTimeout, bytes, clock, brokerId);
    return coordination;
  }

  /**
   * The fleet's decision relay: a Slack click that another broker receives for a request this broker posted
   * reaches it through the database (see docs/fleet.md, "Slack across brokers"). Pass it to the approval
   * channel ({@code SlackApprovalChannel.builder().decisionRelay(fleet.decisionRelay())}, or
   * {@code ApprovalChannels.load("slack", config, fleet.decisionRelay())}).
   *
   * <p>Created on the first call: it then holds one pooled connection for {@code LISTEN} and polls every
   * {@linkplain Builder#relayPollInterval(Duration) poll interval} as a fallback. The fleet owns it and closes it
   * in {@link #close()}; close the channels that use it first.
   *
   * @return the relay, the same on every call
   * @throws IllegalStateException when the fleet is closed
   */
  public synchronized DecisionRelay decisionRelay() {
    if (pool.isClosed()) {
      throw new IllegalStateException("This fleet connection is closed");
    }
    if (relay == null) {
      relay = new PostgresDecisionRelay(pool, brokerId, clock, relayPollInterval);
    }
    return relay;
  }

  /** Stops the relay, the coordination and the heart-beat, removes this broker's row and closes the pool. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (relay != null) {
        relay.close();
      }
      if (coordination != null) {
        coordination.close();
      }
    }
    heartbeat.shutdownNow();
    if (!pool.isClosed()) {
      try (Connection c = pool.getConnection();
          PreparedStatement st = c.prepareStatement("DELETE FROM leasehold.brokers WHERE broker_id = ?")) {
        st.setString(1, brokerId);
        st.executeUpdate();
      } catch (SQLException e) {
        LOG.debug("Could not remove broker {} from leasehold.brokers: {}", brokerId, e.getMessage());
      }
      pool.close();
    }
  }

  @Override
  public String toString() {
    return "PostgresFleet[broker " + brokerId + ", " + pool.getJdbcUrl() + "]";
  }

  private void register() throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("INSERT INTO leasehold.brokers (broker_id, started_at, last_seen) "
            + "VALUES (?, ?, ?) ON CONFLICT (broker_id) DO UPDATE SET last_seen = EXCLUDED.last_seen")) {
      java.sql.Timestamp now = java.sql.Timestamp.from(clock.instant());
      st.setString(1, brokerId);
      st.setTimestamp(2, now);
      st.setTimestamp(3, now);
      st.executeUpdate();
    }
    heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void beat() {
    try (Connection c = pool.getConnection();
        PreparedStatement st = c.prepareStatement("UPDATE leasehold.brokers SET last_seen = ? WHERE broker_id = ?")) {
      st.setTimestamp(1, java.sql.Timestamp.from(clock.instant()));
      st.setString(2, brokerId);
      st.executeUpdate();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Broker {} could not refresh its fleet heart-beat: {}", brokerId, e.getMessage());
    }
  }

  /** Configures a {@link PostgresFleet}. Required: {@link #jdbcUrl}, {@link #user} and {@link #password}. */
  public static final class Builder {
    private String jdbcUrl;
    private String user;
    private String password;
    private String brokerId = "broker-" + UUID.randomUUID();
    private Clock clock = Clock.systemUTC();
    private int maxPoolSize = 10;
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private Duration statementTimeout = Duration.ofSeconds(10);
    private boolean migrate;
    private Duration relayPollInterval = DEFAULT_RELAY_POLL_INTERVAL;

    private Builder() {}

    /**
     * How often the {@linkplain PostgresFleet#decisionRelay() decision relay} looks for relayed decisions without
     * waiting for a notification (which a broker misses while its listening connection is down), measured with
     * the {@linkplain #clock(Clock) clock}; default {@link #DEFAULT_RELAY_POLL_INTERVAL}, 100 ms to 1 min.
     */
    public Builder relayPollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval == null");
      if (interval.toMillis() < 100 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("relayPollInterval must be between 100 ms and 1 min, was " + interval);
      }
      this.relayPollInterval = interval;
      return this;
    }

    /** The database, such as {@code jdbc:postgresql://db.internal:5432/leasehold?sslmode=verify-full}. */
    public Builder jdbcUrl(String url) {
      Objects.requireNonNull(url, "url == null");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("The fleet database URL must start with jdbc:postgresql:");
      }
      this.jdbcUrl = url;
      return this;
    }

    /** The broker's database role (see docs/fleet.md for its grants). */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user == null");
      return this;
    }

    /** The role's password; kept only in the connection pool, never logged. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password == null");
      return this;
    }

    /** This broker's id; default {@code broker-} and a random UUID. 1-128 characters. */
    public Builder brokerId(String id) {
      Objects.requireNonNull(id, "id == null");
      if (id.isEmpty() || id.length() > 128 || !id.matches("[\\w.:@-]+")) {
        throw new IllegalArgumentException("A broker id is 1-128 letters, digits and . _ : @ -, was '" + id + "'");
      }
      this.brokerId = id;
      return this;
    }

    /** The clock for rows and expiries; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** Most connections held at once; default 10. */
    public Builder maxPoolSize(int size) {
      if (size < 2 || size > 200) {
        throw new IllegalArgumentException("maxPoolSize must be between 2 and 200, was " + size);
      }
      this.maxPoolSize = size;
      return this;
    }

    /** The longest a caller waits for a pooled connection before a {@link FleetUnavailableException}; default 5 s. */
    public Builder connectionTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.toMillis() < 250) {
        throw new IllegalArgumentException("connectionTimeout must be at least 250 ms (HikariCP's floor), was " + timeout);
      }
      this.connectionTimeout = timeout;
      return this;
    }

    /** The longest one statement may run; default 10 s. */
    public Builder statementTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.toMillis() < 100) {
        throw new IllegalArgumentException("statementTimeout must be at least 100 ms, was " + timeout);
      }
      this.statementTimeout = timeout;
      return this;
    }

    /**
     * Whether {@link #start()} migrates an older schema (needs a role that may create tables: for a first
     * deployment or a test); default false, so a broker only checks the schema and refuses an older one.
     */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * Connects, checks (or migrates) the schema and registers this broker.
     *
     * @throws FleetUnavailableException when the database cannot be reached or its schema does not fit
     */
    public PostgresFleet start() {
      if (jdbcUrl == null || user == null || password == null) {
        throw new IllegalStateException("jdbcUrl, user and password are required to join a fleet");
      }
      HikariDataSource ds = pool(jdbcUrl, user, password, maxPoolSize, connectionTimeout, statementTimeout);
      try {
        if (migrate) {
          FleetSchema.migrate(ds);
        } else {
          FleetSchema.check(ds);
        }
        PostgresFleet fleet = new PostgresFleet(ds, brokerId, clock, statementTimeout, connectionTimeout,
            relayPollInterval);
        fleet.register();
        return fleet;
      } catch (SQLException e) {
        ds.close();
        throw new FleetUnavailableException("The broker could not register in the fleet database " + ds.getJdbcUrl()
            + ": " + e.getMessage() + ". Check that the role has the grants of docs/fleet.md.", e);
      } catch (RuntimeException e) {
        ds.close();
        throw e;
      }
    }

    static HikariDataSource pool(String jdbcUrl, String user, String password, int size, Duration checkout,
        Duration statementTimeout) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      config.setUsername(user);
      config.setPassword(password);
      config.setPoolName("leasehold-fleet");
      config.setMaximumPoolSize(size);
      config.setMinimumIdle(Math.min(2, size));
      config.setConnectionTimeout(checkout.toMillis());
      config.setValidationTimeout(Math.min(checkout.toMillis(), 5_000));
      config.setInitializationFailTimeout(checkout.toMillis());
      config.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
      config.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, checkout.toSeconds())));
      config.addDataSourceProperty("socketTimeout", String.valueOf(Math.max(2, statementTimeout.toSeconds() + 5)));
      config.addDataSourceProperty("ApplicationName", "leasehold-broker");
      try {
        return new HikariDataSource(config);
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new FleetUnavailableException("The fleet database at " + redact(jdbcUrl) + " could not be reached as "
            + "role '" + user + "': " + cause.getMessage() + ". The broker does not start without it: check that "
            + "PostgreSQL runs, the URL, the role and its password, then start again.", cause);
      }
    }

    /** The URL without query parameters (which may hold a password). */
    static String redact(String url) {
      int q = url.indexOf('?');
      return q < 0 ? url : url.substring(0, q) + "?...";
    }
  }
}
