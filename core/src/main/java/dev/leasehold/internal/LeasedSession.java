package dev.leasehold.internal;

import dev.leasehold.AgentSession;
import dev.leasehold.CallBudget;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.SessionExpiredException;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.catalog.RoleSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;

/** The one implementation of {@link AgentSession}. */
public final class LeasedSession implements AgentSession {
  private static final Logger LOG = LoggerFactory.getLogger(LeasedSession.class);

  private final String id;
  private final RoleSpec role;
  private final String approver;
  private final List<String> intent;
  private final List<String> resources;
  private final Instant expiresAt;
  private final long expiresAtMillis;
  private final Clock clock;
  private final Region region;
  private final Auditor auditor;
  private final GuardInterceptor guard;
  private final LeaseCredentialsProvider credentials;
  private final AwsCredentialsProvider standIn;
  private final Map<ClientKey, SdkClient> clients = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set before {@link #closed} when the session cache ended the session at its expiry (minus the skew). */
  private volatile boolean endedByExpiry;
  private final Consumer<LeasedSession> onClose;
  private final String partition;

  private record ClientKey(Class<?> builderType, Region region) {}

  public LeasedSession(String id, RoleSpec role, String approver, List<String> intent,
      List<String> resources, LeaseIssuer.Lease lease, Clock clock, Region region, Auditor auditor,
      ActionMapper mapper, CallBudget budget, Consumer<LeasedSession> onClose) {
    this(id, role, approver, intent, resources, lease, clock, region, auditor, mapper, budget, onClose,
        ExpiryWatch.forClock(clock));
  }

  /**
   * As the other constructor, with the watch that lets the lease's provider skip the clock read while the
   * lease is far from its expiry ({@code null}: read the clock on every call).
   */
  public LeasedSession(String id, RoleSpec role, String approver, List<String> intent,
      List<String> resources, LeaseIssuer.Lease lease, Clock clock, Region region, Auditor auditor,
      ActionMapper mapper, CallBudget budget, Consumer<LeasedSession> onClose, ExpiryWatch watch) {
    this.id = id;
    this.role = role;
    this.approver = approver;
    this.intent = List.copyOf(intent);
    this.resources = List.copyOf(resources);
    this.expiresAt = lease.expiration();
    this.expiresAtMillis = lease.expiration().toEpochMilli();
    this.clock = clock;
    this.region = region;
    this.auditor = auditor;
    this.onClose = onClose;
    this.partition = role.arn().split(":", 3)[1];
    this.credentials = new LeaseCredentialsProvider(this, lease.credentials(), watch);
    this.standIn = new StandInCredentialsProvider(this);
    this.guard = new GuardInterceptor(this, new Scope(role, intent, resources), mapper, budget);
  }

  @Override public String id() { return id; }
  @Override public String roleKey() { return role.key(); }
  @Override public String roleArn() { return role.arn(); }
  @Override public String approver() { return approver; }
  @Override public List<String> intent() { return intent; }
  @Override public Instant expiresAt() { return expiresAt; }

  RoleSpec role() {
    return role;
  }

  String partition() {
    return partition;
  }

  @Override
  public boolean isOpen() {
    return !closed.get() && clock.millis() < expiresAtMillis;
  }

  /** Whether the session may still be handed out: open, and not within {@code skew} of its expiry. */
  public boolean usableFor(Duration skew) {
    return !closed.get() && clock.millis() < expiresAtMillis - skew.toMillis();
  }

  /** Throws {@link SessionExpiredException} unless the session is open. The hot-path check of every call. */
  void checkOpen() {
    if (closed.get()) {
      if (endedByExpiry || clock.millis() >= expiresAtMillis) {
        throw expired();
      }
      throw new SessionExpiredException("Session " + id + " (role '" + role.key() + "') is closed. "
          + "Open a new session; a human approves it again.");
    }
    if (clock.millis() >= expiresAtMillis) {
      throw expired();
    }
  }

  private SessionExpiredException expired() {
    return new SessionExpiredException("Session " + id + " (role '" + role.key() + "') expired at " + expiresAt
        + ". Leases are never refreshed silently: open a new session; a human approves it again.");
  }

  @Override
  public AwsCredentialsProvider exportCredentials(String reason) {
    String why = ReasonValidator.validate(reason);
    checkOpen();
    audit(AuditEventType.CREDENTIALS_EXPORTED, null, "unguarded", why);
    return credentials;
  }

  @Override
  public <B extends AwsClientBuilder<B, C>, C extends SdkClient> C client(B builder) {
    return client(builder, region);
  }

  @Override
  public <B extends AwsClientBuilder<B, C>, C extends SdkClient> C client(B builder, Region clientRegion) {
    Objects.requireNonNull(builder, "builder == null");
    checkOpen();
    ClientKey key = new ClientKey(builder.getClass(), clientRegion);
    @SuppressWarnings("unchecked")
    C client = (C) clients.computeIfAbsent(key, k -> {
      ClientOverrideConfiguration existing = builder.overrideConfiguration();
      ClientOverrideConfiguration.Builder override =
          existing == null ? ClientOverrideConfiguration.builder() : existing.toBuilder();
      // The client holds a stand-in identity: its serviceClientConfiguration() must not hand out the lease.
      // The guard puts the lease into each call it lets through, just before signing.
      builder.credentialsProvider(standIn).overrideConfiguration(override.addExecutionInterceptor(guard).build());
      if (clientRegion != null) {
        builder.region(clientRegion);
      }
      try {
        return builder.build();
      } finally {
        // The caller keeps the builder: it must not build unguarded clients with the lease.
        builder.credentialsProvider(HANDED_OVER)
            .overrideConfiguration(existing == null ? ClientOverrideConfiguration.builder().build() : existing);
      }
    });
    if (closed.get()) {
      closeClients();
      checkOpen();
    }
    return client;
  }

  /** Whether the lease's provider serves without reading the clock (for tests). */
  boolean leaseServedFromFastPath() {
    return credentials.servesFromFastPath();
  }

  /** The lease's provider, for the guard to give to the calls it lets through. */
  AwsCredentialsProvider leaseProvider() {
    return credentials;
  }

  /** Records an event of this session. */
  void audit(AuditEventType type, String action, String outcome, String cause) {
    auditor.record(auditor.event(type, id, role, null, intent, resources)
        .approver(approver).action(action).outcome(outcome).cause(cause));
  }

  @Override
  public void close() {
    end("closed");
  }

  /** Ends the session because its lease expired (called by the session cache). */
  public void expire() {
    endedByExpiry = true;
    end("expired");
  }

  private void end(String outcome) {
    credentials.dropFastPath(); // before closed is set: once close() returns, every call reads closed
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeClients();
    try {
      onClose.accept(this);
      audit(AuditEventType.CLOSED, null, outcome, null);
    } catch (RuntimeException e) {
      LOG.warn("Session {} ended, but its '{}' event could not be audited: {}", id, outcome, e.getMessage());
    }
  }

  private void closeClients() {
    List<SdkClient> toClose = new ArrayList<>(clients.values());
    clients.clear();
    for (SdkClient c : toClose) {
      try {
        c.close();
      } catch (RuntimeException e) {
        LOG.debug("Closing a client of session {} failed: {}", id, e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "AgentSession[id=" + id + ", role=" + role.key() + ", approver=" + approver + ", intent=" + intent
        + ", expiresAt=" + expiresAt + ", open=" + isOpen() + "]";
  }

  /** What a builder given to {@link #client} holds afterwards instead of the lease. */
  private static final AwsCredentialsProvider HANDED_OVER = new AwsCredentialsProvider() {
    @Override
    public AwsCredentials resolveCredentials() {
      throw new CallOutsideScopeException("This client builder was given to AgentSession.client(...), which built a "
          + "guarded client from it; the builder no longer carries the lease. Build clients through the session.",
          null);
    }

    @Override
    public String toString() {
      return "LeaseholdHandedOverBuilderCredentials";
    }
  };

  /**
   * What a guarded client's configuration holds instead of the lease: an identity AWS does not know, so a
   * client built from {@code serviceClientConfiguration().credentialsProvider()} signs nothing with the
   * lease. Not a secret.
   */
  private static final class StandInCredentialsProvider implements AwsCredentialsProvider {
    private static final AwsCredentials STAND_IN =
        AwsBasicCredentials.create("LEASEHOLDGUARDEDCLIENT", "leasehold-guarded-client-stand-in-not-a-key");
    private final LeasedSession session;

    StandInCredentialsProvider(LeasedSession session) {
      this.session = session;
    }

    @Override
    public AwsCredentials resolveCredentials() {
      session.checkOpen();
      return STAND_IN;
    }

    @Override
    public String toString() {
      return "GuardedClientCredentials[session=" + session.id + "]";
    }
  }

  /**
   * Serves the lease's credentials until the session closes or expires.
   *
   * <p>The hot path is one volatile read: {@link #fast} holds the credentials while an {@link ExpiryWatch}
   * vouches that the lease is further than its guard band from expiry, and is cleared by the watch's sweep
   * when the lease enters the guard band, and by {@link LeasedSession#close()} before the session counts as
   * closed. Without it, each call checks the session and reads the clock.
   */
  private static final class LeaseCredentialsProvider implements AwsCredentialsProvider, ExpiryWatch.Watched {
    private final LeasedSession session;
    private final AwsCredentials credentials;
    private final ExpiryWatch watch;
    private final long fastUntilMillis;
    private volatile AwsCredentials fast;

    LeaseCredentialsProvider(LeasedSession session, AwsCredentials credentials, ExpiryWatch watch) {
      this.session = session;
      this.credentials = credentials;
      this.watch = watch;
      this.fastUntilMillis = watch == null ? Long.MIN_VALUE : watch.fastUntil(session.expiresAtMillis);
      if (watch != null && session.clock.millis() < fastUntilMillis) {
        this.fast = credentials;
        watch.watch(this);
      }
    }

    @Override
    public AwsCredentials resolveCredentials() {
      AwsCredentials c = fast;
      if (c != null) {
        return c;
      }
      session.checkOpen();
      return credentials;
    }

    /** Whether calls are served without reading the clock (for tests). */
    boolean servesFromFastPath() {
      return fast != null;
    }

    @Override
    public Clock clock() {
      return session.clock;
    }

    @Override
    public long fastUntilMillis() {
      return fastUntilMillis;
    }

    @Override
    public boolean isClosed() {
      return session.closed.get();
    }

    @Override
    public void dropFastPath() {
      fast = null;
      if (watch != null) {
        watch.forget(this);
      }
    }

    @Override
    public String toString() {
      return "LeaseCredentialsProvider[session=" + session.id + ", role=" + session.role.key() + "]";
    }
  }
}
