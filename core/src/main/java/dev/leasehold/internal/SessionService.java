package dev.leasehold.internal;

import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.CallBudget;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.LeaseholdException;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The request flow of DESIGN.md, steps 1 to 8: validate, reuse or join, guard rails, audit, approve,
 * audit, assume, audit. {@code AwsSessionFactory} is its public face.
 *
 * <p>Its one reason to change: the order of the steps and what each records in the audit trail. The steps
 * read top to bottom in {@link #open} (steps 1 and 2) and {@code issue} (steps 3 to 8); the pieces they call
 * each have their own reason to change: {@link RequestValidator} (what a valid request is, and the
 * messages of step 1), {@link TaskFlights} (the lease cache and the single flight of a task in this
 * process), {@link Answers} (what an agent reads when a valid request gets no lease), {@link ApprovalGate}
 * (the guard rails and the channel), {@link LeaseIssuer} (AssumeRole) and {@link Auditor} (the records).
 *
 * <p>Step 2 joins in two places: callers of one task in this process share one flight ({@link TaskFlights}),
 * and that flight claims the task in the {@link TaskCoordinator}, which makes it the task's asker or hands it
 * the outcome of the asker in another process (a lease, or a denial, expiry or failure).
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
  private final RequestValidator validator;
  private final TaskFlights flights;
  private final String brokerName = "process " + ProcessHandle.current().pid();
  private final IdentityProvider<? extends AwsCredentialsIdentity> baseIdentity;

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
    this.validator = new RequestValidator(catalog, clock);
    this.flights = new TaskFlights(clock, skew, joinTimeout);
  }

  /** Opens (or joins, or reuses) a session for {@code request}. */
  public AgentSession open(AccessRequest request) {
    // 2 (fast path): the live session of exactly this task. Validation is skipped because a cached session
    // exists only if a request with the same role, trimmed reason, intent and duration passed it, and
    // validation depends on nothing else except the role's notAfter, which is checked again here (a role past
    // it takes the full path and is refused there).
    RoleSpec role = catalog.role(request.role()).orElse(null);
    if (role != null && !validator.ended(role)) {
      LeasedSession live = flights.live(validator.taskOf(role, request));
      if (live != null) {
        return live;
      }
    }
    String requestId = UUID.randomUUID().toString();
    // 1. validate (a refusal is audited with the intent as expanded, once it was)
    if (role == null) {
      throw refused(requestId, null, request, new UnknownRoleException(request.role(), catalog.roleKeys()));
    }
    RequestValidator.Checked checked = null;
    RequestValidator.Valid valid;
    try {
      checked = validator.check(role, request);
      valid = validator.inScope(role, checked);
    } catch (LeaseholdException e) {
      throw refused(requestId, role, checked == null ? request : checked.request(), e);
    }
    // 2. join the flight of the same task in this process, or run it: claim the task in the fleet, then ask
    // (steps 3 to 8) or take the outcome of the asker in another process
    TaskKey task = valid.task(role);
    return flights.share(task, release -> askOrJoin(requestId, role, valid, task, release));
  }

  /**
   * Step 2 across processes: claims the task in the fleet, then either asks (steps 3 to 8) and settles the task
   * with the outcome, or takes the outcome of the asker in another process.
   */
  private LeasedSession askOrJoin(String id, RoleSpec role, RequestValidator.Valid valid, TaskKey task,
      Runnable release) {
    AccessRequest request = valid.request();
    TaskCoordinator.Claim claim;
    try {
      claim = tasks.claim(new Task(catalog.agent().name(), role.key(), valid.reason(), request.actions(),
          request.resources(), valid.duration()), id, clock.instant().plus(joinTimeout));
    } catch (FleetUnavailableException e) {
      throw refused(id, role, request, e);
    }
    if (claim instanceof TaskCoordinator.Joined) {
      return joined(((TaskCoordinator.Joined) claim).outcome(), role, valid, release);
    }
    try (TaskCoordinator.Asking asking = (TaskCoordinator.Asking) claim) {
      try {
        return issue(id, role, valid, task, release, asking);
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
  private LeasedSession joined(TaskOutcome outcome, RoleSpec role, RequestValidator.Valid valid, Runnable release) {
    String reason = valid.reason();
    List<String> intent = valid.request().actions();
    List<String> resources = valid.request().resources();
    String asked = outcome.requestId();
    if (outcome instanceof TaskOutcome.Issued) {
      TaskOutcome.Issued issued = (TaskOutcome.Issued) outcome;
      auditor.record(auditor.event(AuditEventType.ASSUMED, asked, role, reason, intent, resources)
          .approver(issued.approver()).outcome("joined").cause("lease of request " + asked + " issued by broker "
              + issued.issuedBy() + ", expires " + issued.expiration()));
      return new LeasedSession(asked, role, issued.approver(), intent, resources,
          new LeaseIssuer.Lease(issued.credentials(), issued.expiration(), issued.assumedRoleArn()), clock, region,
          auditor, mapper, budget, s -> release.run());
    }
    if (outcome instanceof TaskOutcome.Denied) {
      TaskOutcome.Denied d = (TaskOutcome.Denied) outcome;
      auditor.record(auditor.event(AuditEventType.DENIED, asked, role, reason, intent, resources)
          .approver(d.approver()).outcome("joined").cause("denied as request " + asked + " on another broker"));
      throw Answers.deniedElsewhere(role.key(), d);
    }
    if (outcome instanceof TaskOutcome.Expired) {
      auditor.record(auditor.event(AuditEventType.EXPIRED, asked, role, reason, intent, resources)
          .outcome("joined").cause("request " + asked + " on another broker expired"));
      throw Answers.expiredElsewhere(asked, role.key());
    }
    TaskOutcome.Failed f = (TaskOutcome.Failed) outcome;
    auditor.record(auditor.event(AuditEventType.REFUSED, asked, role, reason, intent, resources)
        .outcome("joined").cause(f.error() + ": " + f.message()));
    throw Answers.failedElsewhere(f);
  }

  /** Steps 3 to 8, top to bottom: guard rails, audit, ask, audit, assume, audit; then settle the task. */
  private LeasedSession issue(String id, RoleSpec role, RequestValidator.Valid valid, TaskKey task,
      Runnable release, TaskCoordinator.Asking asking) {
    String reason = valid.reason();
    Duration duration = valid.duration();
    List<String> intent = valid.request().actions();
    List<String> resources = valid.request().resources();
    // 3. guard rails: the cool-down after a denial, then the prompt rate limit
    CooldownKey cooldown = new CooldownKey(catalog.agent().name(), role.key(), task.actions(), task.resources());
    Optional<Decision.Denied> recent;
    try {
      recent = gate.recentDenial(cooldown);
    } catch (FleetUnavailableException e) {
      throw refused(id, role, valid.request(), e);
    }
    if (recent.isPresent()) {
      Decision.Denied d = recent.get();
      auditor.record(auditor.event(AuditEventType.DENIED, id, role, reason, intent, resources)
          .approver(d.approver()).outcome("cool-down").cause("denied earlier as request " + d.requestId()));
      throw Answers.inCooldown(id, role.key(), d);
    }
    try {
      checkBaseIdentity();
      gate.takePrompt(catalog.agent().name(), role.key());
    } catch (LeaseholdException e) {
      throw refused(id, role, valid.request(), e);
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
      throw Answers.denied(id, role.key(), denied);
    }
    if (decision instanceof Decision.Expired) {
      auditor.record(auditor.event(AuditEventType.EXPIRED, id, role, reason, intent, resources).outcome("expired"));
      throw Answers.expired(id, role.key(), approvalTimeout);
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
        StsNames.sourceIdentity(catalog.agent().name()), tags, valid.sessionPolicy(), role.externalIdIfAny());
    LeaseIssuer.Lease lease;
    try {
      lease = issuer.assume(spec);
    } catch (AssumeRoleFailedException e) {
      auditor.record(auditor.event(AuditEventType.ASSUME_FAILED, id, role, reason, intent, resources)
          .approver(approved.approver()).outcome(e.category().name().toLowerCase(Locale.ROOT))
          .cause(e.getMessage()));
      throw e;
    }
    LeasedSession session = new LeasedSession(id, role, approved.approver(), intent, resources, lease, clock,
        region, auditor, mapper, budget, s -> {
          // Only this session's own entry: a renewed lease of the same task may already sit under the key.
          release.run();
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
      throw Answers.baseIdentityUnresolved(baseIdentity.getClass().getSimpleName(), cause);
    }
  }

  /** {@code e}, after auditing the request as refused (an audit failure is added to it as suppressed). */
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

  /** Closes every live session. */
  @Override
  public void close() {
    flights.close();
  }
}
