package dev.leasehold;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.audit.AuditLog;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.fleet.Coordination;
import dev.leasehold.internal.ActionMapper;
import dev.leasehold.internal.ApprovalGate;
import dev.leasehold.internal.Auditor;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.internal.BrokerSessions;
import dev.leasehold.internal.CredentialGuard;
import dev.leasehold.internal.LeaseIssuer;
import dev.leasehold.internal.LocalCoordination;
import dev.leasehold.internal.SessionService;
import dev.leasehold.internal.Sessions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The only way an agent gets AWS access: {@link #open(AccessRequest)} validates the request against the
 * catalog, asks a human through the {@link ApprovalChannel}, assumes the role with the human's MFA code
 * for a 15-minute lease narrowed to the declared intent, and audits every step.
 *
 * <pre>{@code
 * try (AwsSessionFactory leasehold = AwsSessionFactory.builder()
 *         .catalog(RoleCatalog.load(Path.of("leasehold.yaml")))
 *         .baseCredentials(ProfileCredentialsProvider.create("hermes-agent"))
 *         .approvalChannel(ApprovalChannels.load("console", Map.of()))
 *         .auditLog(Path.of("leasehold-audit.jsonl"))
 *         .build();
 *      AgentSession session = leasehold.open(AccessRequest.of("s3-deploy",
 *         "upload release 1.4.2 artifacts to the deploy bucket", "s3:PutObject"))) {
 *   S3Client s3 = session.client(S3Client.builder());
 *   s3.putObject(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.zip"), RequestBody.fromFile(zip));
 * }
 * }</pre>
 *
 * <p>The rules: the base identity is explicit (environment, system-property and default provider chains
 * are refused, and AWS credential variables in the process fail {@link Builder#build()}); a request
 * outside the catalog or with a vague reason never reaches a human; a lease is never refreshed without
 * a new approval; no audit record, no session.
 *
 * <p>In broker mode ({@link Builder#broker(URI, String)}) the same API is backed by a Leasehold broker in
 * another process, which holds the base identity, the approval channel and the audit trail; this process then
 * holds no AWS identity at all, and the guard of its clients still runs here.
 *
 * <p>Thread-safe: share one factory per agent process. Concurrent requests for the same task share one
 * approval and one lease; with a {@link Builder#coordination(Coordination)} shared by many factories (brokers of
 * a fleet) they do so across processes too, and the guard rails count every process's prompts. {@link #close()} ends every session it opened and releases what the factory
 * created (its STS client, an audit log opened through {@link Builder#auditLog(Path)}); the approval
 * channel and an audit sink you passed in stay yours to close.
 */
public final class AwsSessionFactory implements AutoCloseable {
  /** How long a human has to decide by default: 5 minutes. */
  public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(5);
  /** How long before its expiry a lease is no longer handed out by default: 60 seconds. */
  public static final Duration DEFAULT_EXPIRY_SKEW = Duration.ofSeconds(60);

  private final Sessions service;
  private final RoleCatalog catalog;
  private final StsClient ownedSts;
  private final AuditSink ownedSink;
  private final ExecutorService approvals;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AwsSessionFactory(Builder b, RoleCatalog catalog, Region region, StsClient sts, StsClient ownedSts,
      AuditSink sink, AuditSink ownedSink) {
    this.catalog = catalog;
    this.ownedSts = ownedSts;
    this.ownedSink = ownedSink;
    AtomicInteger threads = new AtomicInteger();
    this.approvals = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "leasehold-approval-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Auditor auditor = new Auditor(sink, b.clock, catalog.agent().name());
    if (b.broker != null) {
      this.service = new BrokerSessions(new BrokerClient(b.broker, b.brokerToken,
          b.approvalTimeout.plusMinutes(5)), catalog, b.clock, region, auditor,
          new ActionMapper(b.actionMappings), b.callBudget);
      return;
    }
    Coordination coordination = b.coordination != null ? b.coordination : new LocalCoordination(b.clock);
    this.service = new SessionService(catalog, b.clock, region, auditor,
        new ApprovalGate(b.channel, b.guardRails, coordination.guardRails(), b.clock, approvals),
        coordination.tasks(), new LeaseIssuer(sts, b.retry), new ActionMapper(b.actionMappings), b.callBudget, b.approvalTimeout,
        b.expirySkew, b.retry.deadline(),
        b.baseCredentials != null ? b.baseCredentials : sts.serviceClientConfiguration().credentialsProvider());
  }

  /** A builder with Leasehold's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Asks for a lease: validates, reuses a live session for the same task or joins an approval already in
   * flight, asks a human, assumes the role and returns the session.
   *
   * @param request the role, reason and intent
   * @return an open session, possibly shared with other callers of the same task
   * @throws UnknownRoleException the role is not in the catalog (no human asked)
   * @throws InvalidRequestException the reason, duration or role validity is wrong (no human asked)
   * @throws OutOfScopeException the intent is not allowed by the role (no human asked)
   * @throws ApprovalRateLimitedException too many prompts for this role recently (no human asked)
   * @throws ApprovalDeniedException a human denied, now or recently; do not retry
   * @throws ApprovalTimedOutException nobody decided in time
   * @throws ApprovalUnavailableException the channel failed or misbehaved
   * @throws AssumeRoleFailedException STS refused or failed; see its category
   * @throws BaseCredentialsException the base identity cannot be resolved on this machine (a local setup
   *     error; no human asked, nothing sent to AWS)
   * @throws AuditFailureException the audit trail could not record a step (fails closed)
   * @throws FleetUnavailableException the fleet's shared state (see {@link Builder#coordination}) could not be
   *     read or written (no human asked)
   * @throws IllegalStateException the factory is closed
   */
  public AgentSession open(AccessRequest request) {
    Objects.requireNonNull(request, "request == null");
    if (closed.get()) {
      throw new IllegalStateException("This AwsSessionFactory is closed; build a new one.");
    }
    return service.open(request);
  }

  /** The catalog this factory serves. */
  public RoleCatalog catalog() {
    return catalog;
  }

  /** Ends every session this factory opened and releases what it created. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      service.close();
    } finally {
      approvals.shutdownNow();
      if (ownedSts != null) {
        ownedSts.close();
      }
      if (ownedSink != null) {
        ownedSink.close();
      }
    }
  }

  @Override
  public String toString() {
    return "AwsSessionFactory[agent=" + catalog.agent().name() + ", roles=" + catalog.roleKeys() + "]";
  }

  /**
   * Configures an {@link AwsSessionFactory}. Required: {@link #catalog}, {@link #baseCredentials} (or
   * {@link #stsClient}), {@link #approvalChannel}, and {@link #auditSink} or {@link #auditLog}. Every
   * setting is validated when set or, where settings interact, in {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private RoleCatalog catalog;
    private AwsCredentialsProvider baseCredentials;
    private ApprovalChannel channel;
    private Region region;
    private URI stsEndpoint;
    private StsClient stsClient;
    private AuditSink auditSink;
    private AuditLog auditLog;
    private Clock clock = Clock.systemUTC();
    private Duration approvalTimeout = DEFAULT_APPROVAL_TIMEOUT;
    private Duration expirySkew = DEFAULT_EXPIRY_SKEW;
    private GuardRails guardRails = GuardRails.DEFAULTS;
    private RetrySettings retry = RetrySettings.DEFAULTS;
    private CallBudget callBudget = CallBudget.DEFAULTS;
    private final Map<String, String> actionMappings = new LinkedHashMap<>();
    private Map<String, String> environment;
    private Properties systemProperties;
    private boolean warnOnlyOnCredentialVariables;
    private URI broker;
    private String brokerToken;
    private boolean refuseLeakyLoggers;
    private Coordination coordination;

    private Builder() {}

    /**
     * Shares the guard rails (prompt rate limit, denial cool-down) and "one prompt per task" with every factory
     * given the same coordination, such as the brokers of a fleet ({@code PostgresFleet.coordination(key)}).
     * Default: this factory's own memory. The factory does not close it. When the coordination cannot be reached
     * a request that would ask a human fails with {@link FleetUnavailableException}; live leases keep working.
     * Not combinable with {@link #broker(URI, String)} (the broker coordinates).
     */
    public Builder coordination(Coordination coordination) {
      this.coordination = Objects.requireNonNull(coordination, "coordination == null");
      return this;
    }

    /**
     * Client mode: sessions come from a Leasehold broker, which holds the base identity, the approval channel
     * and the audit trail of approvals; this process holds no AWS identity at all. {@link #open(AccessRequest)}
     * asks the broker and waits for the human; sessions and guarded clients work as in-process (the guard runs
     * here, the session policy enforces at AWS); closing a session ends the lease at the broker. Give the same
     * {@link #catalog} as the broker's (the guard needs the roles' permissions). Not combinable with
     * {@link #baseCredentials}, {@link #stsClient}, {@link #stsEndpoint} or {@link #approvalChannel}; an audit
     * sink is optional (guarded calls are audited to it); a broker that cannot be reached is a
     * {@link BrokerUnavailableException}.
     *
     * @param url the broker's URL, such as {@code http://127.0.0.1:8512}
     * @param token this client's token
     */
    public Builder broker(URI url, String token) {
      Objects.requireNonNull(url, "url == null");
      Objects.requireNonNull(token, "token == null");
      if (url.getScheme() == null || url.getHost() == null
          || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
        throw new IllegalArgumentException("broker must be an http(s) URL with a host, was '" + url + "'");
      }
      if (token.isBlank()) {
        throw new IllegalArgumentException("the broker's client token is blank");
      }
      this.broker = url;
      this.brokerToken = token;
      return this;
    }

    /** The role catalog (required). */
    public Builder catalog(RoleCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog == null");
      return this;
    }

    /**
     * The agent's base identity, allowed only to call {@code sts:AssumeRole} on the catalog's roles
     * (required unless {@link #stsClient} is given). Environment, system-property and default chains are
     * refused, also inside an {@code AwsCredentialsProviderChain}.
     *
     * @throws UnsafeCredentialsException for a provider that reads the environment
     */
    public Builder baseCredentials(AwsCredentialsProvider provider) {
      Objects.requireNonNull(provider, "provider == null");
      CredentialGuard.checkProvider(provider);
      this.baseCredentials = provider;
      return this;
    }

    /** The channel that asks humans (required). The factory does not close it. */
    public Builder approvalChannel(ApprovalChannel channel) {
      this.channel = Objects.requireNonNull(channel, "channel == null");
      return this;
    }

    /** The region for STS and for clients; default the catalog's {@code defaults.region}. */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region == null");
      return this;
    }

    /** Sends STS calls to this endpoint (a VPC endpoint, or a stand-in in tests). */
    public Builder stsEndpoint(URI endpoint) {
      this.stsEndpoint = Objects.requireNonNull(endpoint, "endpoint == null");
      return this;
    }

    /**
     * Uses this STS client instead of building one (tests, custom HTTP stacks). Turn its SDK retries off:
     * Leasehold retries, and a retried AssumeRole reuses a one-time MFA code. The factory does not close it.
     *
     * @throws UnsafeCredentialsException when the client resolves its credentials through the environment,
     *     system properties or the default chain (also when it was built without {@code credentialsProvider})
     */
    public Builder stsClient(StsClient client) {
      Objects.requireNonNull(client, "client == null");
      CredentialGuard.checkStsClient(client);
      this.stsClient = client;
      return this;
    }

    /** Where audit events go. The factory does not close it. */
    public Builder auditSink(AuditSink sink) {
      this.auditSink = Objects.requireNonNull(sink, "sink == null");
      return this;
    }

    /**
     * Writes the audit trail as hash-chained JSON Lines to {@code file} (appending, resuming its chain),
     * unkeyed, flushed per record: the same as {@code auditLog(AuditLog.of(file))}.
     */
    public Builder auditLog(Path file) {
      return auditLog(AuditLog.of(Objects.requireNonNull(file, "file == null")));
    }

    /**
     * Writes the audit trail with a {@link JsonLinesAuditSink} as {@code log} says: its file, its
     * {@link dev.leasehold.audit.AuditKey} if the records are to be sealed, its durability and lock timeout.
     * The factory opens the log in {@link #build()} and closes it with itself.
     */
    public Builder auditLog(AuditLog log) {
      this.auditLog = Objects.requireNonNull(log, "log == null");
      return this;
    }

    /** The clock for lease expiry, deadlines and audit times; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How long a human has to decide; default 5 minutes, at most 1 hour. */
    public Builder approvalTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("approvalTimeout must be positive and at most 1 hour, was " + timeout);
      }
      this.approvalTimeout = timeout;
      return this;
    }

    /** How long before expiry a lease stops being handed out; default 60 s, at most 5 minutes. */
    public Builder expirySkew(Duration skew) {
      Objects.requireNonNull(skew, "skew == null");
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("expirySkew must be between 0 and 5 minutes, was " + skew);
      }
      this.expirySkew = skew;
      return this;
    }

    /** Limits on approval prompts; default {@link GuardRails#DEFAULTS}. */
    public Builder guardRails(GuardRails rails) {
      this.guardRails = Objects.requireNonNull(rails, "rails == null");
      return this;
    }

    /** How AssumeRole is retried; default {@link RetrySettings#DEFAULTS}. */
    public Builder retry(RetrySettings retry) {
      this.retry = Objects.requireNonNull(retry, "retry == null");
      return this;
    }

    /** Each session's call budget; default {@link CallBudget#DEFAULTS}. */
    public Builder callBudget(CallBudget budget) {
      this.callBudget = Objects.requireNonNull(budget, "budget == null");
      return this;
    }

    /**
     * Maps an SDK operation to the IAM action the guard checks, where the two differ and Leasehold does not
     * know it yet, e.g. {@code actionMapping("s3:SelectObjectContent", "s3:GetObject")}.
     *
     * @param operation {@code <iam prefix>:<SDK operation name>}
     * @param action the IAM action
     */
    public Builder actionMapping(String operation, String action) {
      if (operation == null || !operation.matches("[\\w-]+:\\w+") || action == null || !action.matches("[\\w-]+:\\w+")) {
        throw new IllegalArgumentException("actionMapping takes 'prefix:Operation' and 'prefix:Action', was '"
            + operation + "' -> '" + action + "'");
      }
      actionMappings.put(operation, action);
      return this;
    }

    /** The environment checked for AWS credential variables; default {@link System#getenv()}. For tests. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment == null"));
      return this;
    }

    /** The system properties checked for AWS credentials; default {@link System#getProperties()}. For tests. */
    public Builder systemProperties(Properties properties) {
      this.systemProperties = Objects.requireNonNull(properties, "properties == null");
      return this;
    }

    /**
     * Downgrades the check for AWS credential variables in the process from a failure to a logged
     * warning. Use only where the variables cannot be removed, and know that any code in the process can
     * use them without approval.
     */
    public Builder warnOnlyOnCredentialVariables() {
      this.warnOnlyOnCredentialVariables = true;
      return this;
    }

    /**
     * Makes {@link #build()} fail while a logger that prints secrets at DEBUG (the SDK's request signers, the
     * SDK's interceptor chain, Apache HTTP wire and header logs, the Slack WebSocket client's frames) is at
     * DEBUG or finer; without this, {@code build()} only warns. Levels are read through SLF4J when the
     * factory is built; a level lowered later is not seen.
     */
    public Builder refuseLeakyLoggers() {
      this.refuseLeakyLoggers = true;
      return this;
    }

    /**
     * Builds the factory.
     *
     * @throws IllegalStateException when a required setting is missing or settings conflict
     * @throws UnsafeCredentialsException when AWS credential variables are present (unless downgraded), or
     *     with {@link #refuseLeakyLoggers()} when a logger that prints secrets is at DEBUG or finer
     */
    public AwsSessionFactory build() {
      if (catalog == null) {
        throw new IllegalStateException("catalog is required: catalog(RoleCatalog.load(path))");
      }
      if (broker != null) {
        return buildClient();
      }
      if (channel == null) {
        throw new IllegalStateException("approvalChannel is required: a human must approve every lease, e.g. "
            + "approvalChannel(ApprovalChannels.load(\"console\", Map.of()))");
      }
      if (auditSink == null && auditLog == null) {
        throw new IllegalStateException("an audit trail is required: auditLog(Path), auditLog(AuditLog) or auditSink(AuditSink)");
      }
      if (auditSink != null && auditLog != null) {
        throw new IllegalStateException("auditSink and auditLog were both set; choose one");
      }
      if (stsClient == null && baseCredentials == null) {
        throw new IllegalStateException("baseCredentials is required: the agent's own identity, e.g. "
            + "ProfileCredentialsProvider.create(\"agent\")");
      }
      if (stsClient != null && stsEndpoint != null) {
        throw new IllegalStateException("stsEndpoint cannot be combined with stsClient; configure the endpoint on the client");
      }
      CredentialGuard.checkEnvironment(environment != null ? environment : System.getenv(),
          systemProperties != null ? systemProperties : System.getProperties(), warnOnlyOnCredentialVariables);
      if (refuseLeakyLoggers) {
        CredentialGuard.refuseLeakyLoggers();
      } else {
        CredentialGuard.warnAboutLeakyLoggers();
      }
      Region resolved = region != null ? region
          : catalog.defaultRegion() != null ? Region.of(catalog.defaultRegion()) : null;
      if (resolved == null) {
        throw new IllegalStateException("region is required: set defaults.region in the catalog or call region(...)");
      }
      // The log first: a log that cannot be continued (another key, a damaged last record) fails build()
      // before anything else is created.
      AuditSink ownedSink = auditLog != null ? new JsonLinesAuditSink(auditLog) : null;
      StsClient owned = null;
      StsClient sts = stsClient;
      if (sts == null) {
        var sb = StsClient.builder()
            .region(resolved)
            .credentialsProvider(baseCredentials)
            .httpClient(UrlConnectionHttpClient.builder()
                .connectionTimeout(min(retry.attemptTimeout(), Duration.ofSeconds(5)))
                .socketTimeout(retry.attemptTimeout())
                .build())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallAttemptTimeout(retry.attemptTimeout())
                .apiCallTimeout(retry.attemptTimeout()));
        if (stsEndpoint != null) {
          sb.endpointOverride(stsEndpoint);
        }
        try {
          owned = sb.build();
        } catch (RuntimeException e) {
          if (ownedSink != null) {
            ownedSink.close();
          }
          throw e;
        }
        sts = owned;
      }
      AuditSink sink = ownedSink != null ? ownedSink : auditSink;
      return new AwsSessionFactory(this, catalog, resolved, sts, owned, sink, ownedSink);
    }

    private AwsSessionFactory buildClient() {
      if (channel != null || baseCredentials != null || stsClient != null || stsEndpoint != null
          || coordination != null) {
        throw new IllegalStateException("broker(...) cannot be combined with approvalChannel, baseCredentials, "
            + "stsClient, stsEndpoint or coordination: in broker mode the broker holds them and this process holds "
            + "none");
      }
      if (auditSink != null && auditLog != null) {
        throw new IllegalStateException("auditSink and auditLog were both set; choose one");
      }
      CredentialGuard.checkEnvironment(environment != null ? environment : System.getenv(),
          systemProperties != null ? systemProperties : System.getProperties(), warnOnlyOnCredentialVariables);
      Region resolved = region != null ? region
          : catalog.defaultRegion() != null ? Region.of(catalog.defaultRegion()) : null;
      if (resolved == null) {
        throw new IllegalStateException("region is required: set defaults.region in the catalog or call region(...)");
      }
      AuditSink ownedSink = auditLog != null ? new JsonLinesAuditSink(auditLog) : null;
      AuditSink sink = ownedSink != null ? ownedSink : auditSink != null ? auditSink : event -> { };
      return new AwsSessionFactory(this, catalog, resolved, null, null, sink, ownedSink);
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }
}
