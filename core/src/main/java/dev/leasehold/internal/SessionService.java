package dev.leasehold.internal;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.ApprovalUnavailableException;
import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.BaseCredentialsException;
import dev.leasehold.CallBudget;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.LeaseholdException;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.UnknownActionException;
import dev.leasehold.UnknownRoleException;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.fleet.CooldownKey;
import dev.leasehold.fleet.Task;
import dev.leasehold.fleet.TaskCoordinator;
import dev.leasehold.fleet.TaskOutcome;
import dev.leasehold.policy.IamActions;
import dev.leasehold.policy.SessionPolicies;
import dev.leasehold.policy.internal.Glob;
import dev.leasehold.policy.internal.ServiceAuthorization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The request flow of DESIGN.md, steps 1 to 8: validate, reuse or join, guard rails, audit, approve,
 * audit, assume, audit. {@code AwsSessionFactory} is its public face.
 *
 * <p>Step 2 joins in two places: callers of one task in this process share one flight (a Caffeine future per
 * task), and that flight claims the task in the {@link TaskCoordinator}, which makes it the task's asker or hands
 * it the outcome of the asker in another process (a lease, or a denial, expiry or failure).
 */
public final class SessionService implements Sessions {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SessionService.class);
  private final RoleCatalog catalog;
  private final Clock clock;
  private final Region region;
  private final Auditor auditor;
  private final ApprovalGate gate;
  private final TaskCoordinator tasks;
  private final LeaseIssuer issuer;
  private final ActionMapper mapper;
  private final CallBudget budget;
  private final Duration approvalTimeout;
  private final Duration skew;
  private final Duration joinTimeout;
  private final AsyncCache<TaskKey, Flight> sessions;
  private final String brokerName = "process " + ProcessHandle.current().pid();
  private final IdentityProvider<? extends AwsCredentialsIdentity> baseIdentity;

  /**
   * One task's shared attempt: a session, or the failure every joined caller gets. Failures complete the
   * future normally (and leave the cache at once), so Caffeine does not log a normal "no" as an error.
   */
  private record Flight(LeasedSession session, RuntimeException failure) {}

  public SessionService(RoleCatalog catalog, Clock clock, Region region, Auditor auditor, ApprovalGate gate,
      TaskCoordinator tasks, LeaseIssuer issuer, ActionMapper mapper, CallBudget budget, Duration approvalTimeout,
      Duration skew, Duration stsDeadline, IdentityProvider<? extends AwsCredentialsIdentity> baseIdentity) {
    this.catalog = catalog;
    this.baseIdentity = baseIdentity;
    this.clock = clock;
    this.region = region;
    this.auditor = auditor;
    this.gate = gate;
    this.tasks = tasks;
    this.issuer = issuer;
    this.mapper = mapper;
    this.budget = budget;
    this.approvalTimeout = approvalTimeout;
    this.skew = skew;
    this.joinTimeout = approvalTimeout.plus(ApprovalGate.GRACE).plus(stsDeadline).plusSeconds(5);
    this.sessions = Caffeine.newBuilder()
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(new Expiry<TaskKey, Flight>() {
          @Override
          public long expireAfterCreate(TaskKey key, Flight flight, long now) {
            return remaining(flight);
          }

          @Override
          public long expireAfterUpdate(TaskKey key, Flight flight, long now, long current) {
            return remaining(flight);
          }

          @Override
          public long expireAfterRead(TaskKey key, Flight flight, long now, long current) {
            return current;
          }
        })
        .removalListener((TaskKey key, Flight flight, RemovalCause cause) -> {
          if (flight != null && flight.session() != null && cause.wasEvicted()) {
            flight.session().expire();
          }
        })
        .buildAsync();
  }

  private long remaining(Flight flight) {
    if (flight.session() == null) {
      return 0;
    }
    LeasedSession session = flight.session();
    long millis = session.expiresAt().toEpochMilli() - skew.toMillis() - clock.millis();
    return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
  }

  /** Opens (or joins, or reuses) a session for {@code request}. */
  public AgentSession open(AccessRequest request) {
    // 2 (fast path): a live session of exactly this task
    RoleSpec role = catalog.role(request.role()).orElse(null);
    if (role != null) {
      LeasedSession live = liveSession(role, request);
      if (live != null) {
        return live;
      }
    }
    String requestId = UUID.randomUUID().toString();
    if (role == null) {
      throw refused(requestId, null, request, new UnknownRoleException(request.role(), catalog.roleKeys()));
    }
    // 1. validate
    String reason;
    Duration duration;
    Optional<String> sessionPolicy;
    try {
      reason = ReasonValidator.validate(request.reason());
      duration = durationFor(role, request);
      checkNotExpired(role);
      checkIntentIfRequired(role, request);
      request = withExpandedIntent(request);
      sessionPolicy = sessionPolicy(role, request);
    } catch (LeaseholdException e) {
      throw refused(requestId, role, request, e);
    }
    // 2. join the flight of the same task in this process, or start it
    TaskKey task = new TaskKey(role.key(), reason, request.actions(), request.resources(), duration);
    while (true) {
      CompletableFuture<Flight> mine = new CompletableFuture<>();
      CompletableFuture<Flight> existing = sessions.asMap().putIfAbsent(task, mine);
      if (existing != null) {
        Flight shared = await(existing, role);
        if (shared.failure() != null) {
          throw shared.failure();
        }
        if (shared.session().usableFor(skew)) {
          return shared.session();
        }
        sessions.asMap().remove(task, existing);
        continue;
      }
      try {
        LeasedSession session = askOrJoin(requestId, role, reason, duration, request, task, mine, sessionPolicy);
        mine.complete(new Flight(session, null));
        return session;
      } catch (RuntimeException e) {
        sessions.asMap().remove(task, mine);
        mine.complete(new Flight(null, e));
        throw e;
      } catch (Error e) {
        // Joined callers must not wait out their deadline for a flight that will never land.
        sessions.asMap().remove(task, mine);
        mine.complete(new Flight(null, new ApprovalUnavailableException("The request for the same task on role '"
            + role.key() + "' that this call joined failed unexpectedly (" + e.getClass().getName() + "); no lease "
            + "was issued. Try again; if it repeats, check the agent process's log.", e)));
        throw e;
      }
    }
  }

  /**
   * The fast path of a cache hit: the live session of exactly this task, or null. Validation is skipped
   * because a cached session exists only if a request with the same role, trimmed reason, intent and
   * duration passed it, and validation depends on nothing else except the role's {@code notAfter}, which
   * is checked again here (a role past it takes the full path and is refused there).
   */
  private LeasedSession liveSession(RoleSpec role, AccessRequest request) {
    Optional<Duration> asked = request.duration();
    Duration duration = asked.isPresent() ? asked.get() : catalog.durationFor(role);
    TaskKey task = new TaskKey(role.key(), request.reason().strip(), request.actions(), request.resources(), duration);
    CompletableFuture<Flight> cached = sessions.getIfPresent(task);
    if (cached == null || !cached.isDone() || cached.isCompletedExceptionally()) {
      return null;
    }
    Flight flight = cached.getNow(null);
    LeasedSession session = flight == null ? null : flight.session();
    if (session == null || !session.usableFor(skew)
        || (role.notAfter() != null && !clock.instant().isBefore(role.notAfter()))) {
      return null;
    }
    return session;
  }

  private Flight await(CompletableFuture<Flight> inFlight, RoleSpec role) {
    try {
      return inFlight.get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      throw new IllegalStateException("The shared request for role '" + role.key() + "' failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new ApprovalTimedOutException("Waited " + joinTimeout.toSeconds() + " s for the approval already in "
          + "flight for the same task on role '" + role.key() + "' without an answer. Try again later.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApprovalTimedOutException("Interrupted while waiting for the approval in flight for role '"
          + role.key() + "'.");
    }
  }

  /**
   * Step 2 across processes: claims the task in the fleet, then either asks (steps 3 to 8) and settles the task
   * with the outcome, or takes the outcome of the asker in another process.
   */
  private LeasedSession askOrJoin(String id, RoleSpec role, String reason, Duration duration, AccessRequest request,
      TaskKey task, CompletableFuture<Flight> flight, Optional<String> sessionPolicy) {
    TaskCoordinator.Claim claim;
    try {
      claim = tasks.claim(new Task(catalog.agent().name(), role.key(), reason, request.actions(), request.resources(),
          duration), id, clock.instant().plus(joinTimeout));
    } catch (FleetUnavailableException e) {
      throw refused(id, role, request, e);
    }
    if (claim instanceof TaskCoordinator.Joined) {
      return joined(((TaskCoordinator.Joined) claim).outcome(), role, reason, request, task, flight);
    }
    try (TaskCoordinator.Asking asking = (TaskCoordinator.Asking) claim) {
      try {
        return issue(id, role, reason, duration, request, task, flight, sessionPolicy, asking);
      } catch (ApprovalDeniedException e) {
        asking.settle(new TaskOutcome.Denied(e.requestId(), e.approver(), e.note()));
        throw e;
      } catch (ApprovalTimedOutException e) {
        asking.settle(new TaskOutcome.Expired(id));
        throw e;
      } catch (LeaseholdException e) {
        asking.settle(new TaskOutcome.Failed(id, e.getClass().getSimpleName(), e.getMessage()));
        throw e;
      }
    }
  }

  /** The outcome of the asker in another process, as this process's caller gets it (and audits it). */
  private LeasedSession joined(TaskOutcome outcome, RoleSpec role, String reason, AccessRequest request,
      TaskKey task, CompletableFuture<Flight> flight) {
    List<String> intent = request.actions();
    List<String> resources = request.resources();
    String asked = outcome.requestId();
    if (outcome instanceof TaskOutcome.Issued) {
      TaskOutcome.Issued issued = (TaskOutcome.Issued) outcome;
      auditor.record(auditor.event(AuditEventType.ASSUMED, asked, role, reason, intent, resources)
          .approver(issued.approver()).outcome("joined").cause("lease of request " + asked + " issued by broker "
              + issued.issuedBy() + ", expires " + issued.expiration()));
      return new LeasedSession(asked, role, issued.approver(), intent, resources,
          new LeaseIssuer.Lease(issued.credentials(), issued.expiration(), issued.assumedRoleArn()), clock, region,
          auditor, mapper, budget, s -> sessions.asMap().remove(task, flight));
    }
    if (outcome instanceof TaskOutcome.Denied) {
      TaskOutcome.Denied d = (TaskOutcome.Denied) outcome;
      auditor.record(auditor.event(AuditEventType.DENIED, asked, role, reason, intent, resources)
          .approver(d.approver()).outcome("joined").cause("denied as request " + asked + " on another broker"));
      throw new ApprovalDeniedException("Request " + asked + " for role '" + role.key() + "', which this request "
          + "joined on another broker, was denied by " + d.approver() + noteSuffix(d.note()) + ". Do not retry and do "
          + "not ask for a wider role: stop and report the denial.", asked, d.approver(), d.note());
    }
    if (outcome instanceof TaskOutcome.Expired) {
      auditor.record(auditor.event(AuditEventType.EXPIRED, asked, role, reason, intent, resources)
          .outcome("joined").cause("request " + asked + " on another broker expired"));
      throw new ApprovalTimedOutException("Nobody decided on request " + asked + " for role '" + role.key()
          + "' (asked on another broker for the same task) in time. Nothing reached AWS. Ask again only if the task "
          + "is still needed.");
    }
    TaskOutcome.Failed f = (TaskOutcome.Failed) outcome;
    auditor.record(auditor.event(AuditEventType.REFUSED, asked, role, reason, intent, resources)
        .outcome("joined").cause(f.error() + ": " + f.message()));
    com.fasterxml.jackson.databind.node.ObjectNode body =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    body.put("error", f.error());
    body.put("message", f.message());
    body.put("requestId", asked);
    throw BrokerWire.exception(500, body);
  }

  private LeasedSession issue(String id, RoleSpec role, String reason, Duration duration, AccessRequest request,
      TaskKey task, CompletableFuture<Flight> flight, Optional<String> sessionPolicy, TaskCoordinator.Asking asking) {
    List<String> intent = request.actions();
    List<String> resources = request.resources();
    // 3. guard rails: the cool-down after a denial, then the prompt rate limit
    CooldownKey cooldown = new CooldownKey(catalog.agent().name(), role.key(), task.actions(), task.resources());
    Optional<Decision.Denied> recent;
    try {
      recent = gate.recentDenial(cooldown);
    } catch (FleetUnavailableException e) {
      throw refused(id, role, request, e);
    }
    if (recent.isPresent()) {
      Decision.Denied d = recent.get();
      auditor.record(auditor.event(AuditEventType.DENIED, id, role, reason, intent, resources)
          .approver(d.approver()).outcome("cool-down").cause("denied earlier as request " + d.requestId()));
      throw new ApprovalDeniedException("The same intent on role '" + role.key() + "' was denied by " + d.approver()
          + noteSuffix(d.note()) + " and is in its cool-down; the human is not asked again. Do not retry: stop "
          + "and report the denial.", id, d.approver(), d.note());
    }
    try {
      checkBaseIdentity();
      gate.takePrompt(catalog.agent().name(), role.key());
    } catch (LeaseholdException e) {
      throw refused(id, role, request, e);
    }
    Instant now = clock.instant();
    ApprovalRequest approval = ApprovalRequest.builder()
        .id(id).agent(catalog.agent().name()).roleKey(role.key()).roleArn(role.arn())
        .environment(role.environment()).reason(reason).intentActions(intent).intentResources(resources)
        .duration(duration).requestedAt(now).decideBy(now.plus(approvalTimeout))
        .requiresMfa(role.mfa() == MfaRequirement.REQUIRED)
        .requiresRoleKeyConfirmation(role.isProduction())
        .writingActions(intent.stream().filter(IamActions::isMutating).toList())
        .build();
    // 4. audit "requested"
    auditor.record(auditor.event(AuditEventType.REQUESTED, id, role, reason, intent, resources)
        .outcome("asking").cause("digest " + approval.digest()));

    // 5. ask the human
    Decision decision;
    try {
      decision = gate.decide(approval);
    } catch (LeaseholdException e) {
      auditor.record(auditor.event(AuditEventType.REFUSED, id, role, reason, intent, resources)
          .outcome("channel-failed").cause(e.getMessage()));
      throw e;
    }
    // 6. audit the decision
    if (decision instanceof Decision.Denied) {
      Decision.Denied denied = (Decision.Denied) decision;
      auditor.record(auditor.event(AuditEventType.DENIED, id, role, reason, intent, resources)
          .approver(denied.approver()).outcome("denied").cause(denied.note().isEmpty() ? null : denied.note()));
      try {
        gate.rememberDenial(cooldown, denied);
      } catch (FleetUnavailableException e) {
        // The human said no, and the caller hears it; only the cool-down could not be shared.
        LOG.warn("The denial of request {} could not be remembered in the fleet: {}", id, e.getMessage());
      }
      throw new ApprovalDeniedException("Request " + id + " for role '" + role.key() + "' was denied by "
          + denied.approver() + noteSuffix(denied.note()) + ". Do not retry and do not ask for a wider role: stop "
          + "and report the denial.", id, denied.approver(), denied.note());
    }
    if (decision instanceof Decision.Expired) {
      auditor.record(auditor.event(AuditEventType.EXPIRED, id, role, reason, intent, resources).outcome("expired"));
      throw new ApprovalTimedOutException("Nobody decided on request " + id + " for role '" + role.key()
          + "' within " + ApprovalGate.human(approvalTimeout) + ". Nothing reached AWS. Ask again only if the task "
          + "is still needed.");
    }
    Decision.Approved approved = (Decision.Approved) decision;
    auditor.record(auditor.event(AuditEventType.APPROVED, id, role, reason, intent, resources)
        .approver(approved.approver()).outcome("approved"));

    // 7. AssumeRole
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("leasehold:request-id", id);
    tags.put("leasehold:approver", StsNames.tagValue(approved.approver()));
    LeaseIssuer.Spec spec = new LeaseIssuer.Spec(role.key(), role.arn(), StsNames.sessionName(id), duration,
        catalog.agent().mfaSerial(), role.mfa() == MfaRequirement.REQUIRED ? approved.mfaCode() : Optional.empty(),
        StsNames.sourceIdentity(catalog.agent().name()), tags, sessionPolicy, role.externalIdIfAny());
    LeaseIssuer.Lease lease;
    try {
      lease = issuer.assume(spec);
    } catch (AssumeRoleFailedException e) {
      auditor.record(auditor.event(AuditEventType.ASSUME_FAILED, id, role, reason, intent, resources)
          .approver(approved.approver()).outcome(e.category().name().toLowerCase(java.util.Locale.ROOT))
          .cause(e.getMessage()));
      throw e;
    }
    LeasedSession session = new LeasedSession(id, role, approved.approver(), intent, resources, lease, clock,
        region, auditor, mapper, budget, s -> {
          // Only this session's own entry: a renewed lease of the same task may already sit under the key.
          sessions.asMap().remove(task, flight);
          asking.withdraw();
        });
    // 8. audit "assumed", then hand the lease to the callers of the task in other processes
    auditor.record(auditor.event(AuditEventType.ASSUMED, id, role, reason, intent, resources)
        .approver(approved.approver()).outcome("ok").cause("expires " + lease.expiration()));
    asking.settle(new TaskOutcome.Issued(id, approved.approver(), lease.credentials(), lease.expiration(),
        lease.assumedRoleArn(), lease.expiration().minus(skew), brokerName));
    return session;
  }

  /**
   * Resolves the base identity before a human is asked, so that a local setup mistake (a missing profile,
   * an unreadable credentials file) is reported as one, not as an STS outage after the approval. Runs only
   * on the path that asks a human, never on a cache hit.
   */
  private void checkBaseIdentity() {
    if (baseIdentity == null) {
      return;
    }
    try {
      AwsCredentialsIdentity identity = baseIdentity.resolveIdentity().join();
      if (identity == null || identity.accessKeyId() == null || identity.accessKeyId().isBlank()) {
        throw new IllegalStateException("the provider returned no access key id");
      }
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      throw new BaseCredentialsException("The base identity (" + baseIdentity.getClass().getSimpleName()
          + ") could not resolve credentials on this machine: " + firstLine(cause.getMessage()) + ". This is a "
          + "local setup error, not an AWS outage; nobody was asked and nothing reached AWS. Check the profile name "
          + "and the files the AWS SDK reads (~/.aws/credentials and ~/.aws/config under HOME, or "
          + "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE), or the platform identity, then try again.", cause);
    }
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "no detail given";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  private RuntimeException refused(String id, RoleSpec role, AccessRequest request, LeaseholdException e) {
    try {
      auditor.record(auditor.event(AuditEventType.REFUSED, id, role, request.reason(), request.actions(),
          request.resources()).roleKey(role == null ? request.role() : role.key()).outcome("refused")
          .cause(e.getMessage()));
    } catch (RuntimeException auditFailure) {
      e.addSuppressed(auditFailure);
    }
    return e;
  }

  /**
   * The request with each wildcard of its intent replaced by exactly the actions AWS has that it matches
   * ({@code s3:*Object} becomes {@code s3:GetObject}, {@code s3:PutObject}, ...), so that the role check, the
   * human, the session policy and the guard all see the same literal actions, frozen at request time (the
   * lease never grows with actions AWS adds later). {@code *} and {@code service:*} are refused.
   */
  private static AccessRequest withExpandedIntent(AccessRequest request) {
    if (request.actions().stream().noneMatch(Glob::hasWildcard)) {
      return request;
    }
    AgentText.requireInertIntent(request.actions(), request.resources());
    java.util.Set<String> expanded = new java.util.LinkedHashSet<>();
    for (String action : request.actions()) {
      if (!Glob.hasWildcard(action)) {
        expanded.add(action);
        continue;
      }
      if (action.equals("*") || action.endsWith(":*")) {
        throw new InvalidRequestException("Intent action '" + action + "' is every action of " + (action.equals("*")
            ? "every service" : "a service") + "; declare the actions the task needs, such as s3:PutObject, or a "
            + "narrower pattern such as s3:Get*.");
      }
      List<String> matched = IamActions.expand(action);
      if (matched.isEmpty()) {
        throw new UnknownActionException("Intent action " + ServiceAuthorization.unknownActionProblem(action)
            + ". Correct the intent; nothing was asked of a human.", action, IamActions.suggestions(action));
      }
      expanded.addAll(matched);
    }
    return request.toBuilder().intent(List.copyOf(expanded)).build();
  }

  /**
   * Checks the intent against the role's catalog permissions and renders it as a session policy.
   *
   * @throws OutOfScopeException naming the roles that would allow the intent, or saying none does
   */
  private Optional<String> sessionPolicy(RoleSpec role, AccessRequest request) {
    if (!request.hasIntent()) {
      return Optional.empty();
    }
    List<String> actions = request.actions();
    List<String> resources = request.resources();
    AgentText.requireInertIntent(actions, resources);
    for (String action : actions) {
      String unknown = ServiceAuthorization.unknownActionProblem(action);
      if (unknown != null) {
        throw new UnknownActionException("Intent action " + unknown + ". Correct the intent; nothing was asked of a "
            + "human.", action, IamActions.suggestions(action));
      }
    }
    if (!role.allowsIntent(actions, resources)) {
      List<String> allowing = catalog.rolesAllowing(actions, resources);
      String what = String.join(", ", actions) + (resources.isEmpty() ? "" : " on " + String.join(", ", resources));
      throw new OutOfScopeException("Role '" + role.key() + "' does not allow " + what + ". "
          + (allowing.isEmpty()
              ? "No role in the catalog allows it: add a new role for this task; do not widen this one."
              : "Ask for " + (allowing.size() == 1 ? "role " : "one of the roles ") + String.join(", ", allowing)
                  + " instead; do not ask to widen this one."),
          allowing);
    }
    return Optional.of(SessionPolicies.forIntent(role, actions, resources).json());
  }

  private Duration durationFor(RoleSpec role, AccessRequest request) {
    Duration max = catalog.durationFor(role);
    Duration asked = request.duration().orElse(max);
    if (asked.compareTo(RoleCatalog.MIN_DURATION) < 0 || asked.compareTo(max) > 0) {
      throw new InvalidRequestException("A lease on role '" + role.key() + "' lasts between 15 min and "
          + ApprovalGate.human(max) + "; " + asked + " was asked. Ask for " + ApprovalGate.human(max) + " or less.");
    }
    return asked;
  }

  private static void checkIntentIfRequired(RoleSpec role, AccessRequest request) {
    if (role.requireIntent() && !request.hasIntent()) {
      String example = role.permissions().stream().flatMap(st -> st.actions().stream())
          .filter(a -> !Glob.hasWildcard(a)).findFirst().orElse("service:Action");
      throw new InvalidRequestException("Role '" + role.key() + "' requires an intent: declare the IAM actions (and, "
          + "where you can, the resources) the task needs, e.g. AccessRequest.of(\"" + role.key() + "\", reason, \""
          + example + "\"). Nobody was asked.");
    }
  }

  private void checkNotExpired(RoleSpec role) {
    if (role.notAfter() != null && !clock.instant().isBefore(role.notAfter())) {
      throw new InvalidRequestException("Role '" + role.key() + "' was a temporary grant that ended at "
          + role.notAfter() + "; it can no longer be assumed. Ask the catalog owner for a new grant.");
    }
  }

  private static String noteSuffix(String note) {
    return note == null || note.isEmpty() ? "" : " (note: \"" + note + "\")";
  }

  /** Closes every live session. */
  @Override
  public void close() {
    for (CompletableFuture<Flight> f : sessions.asMap().values()) {
      if (f.isDone() && f.join().session() != null) {
        f.join().session().close();
      }
    }
    sessions.synchronous().invalidateAll();
  }
}
