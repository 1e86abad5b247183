package dev.leasehold.internal;

import dev.leasehold.CallBudget;
import dev.leasehold.CallBudgetExhaustedException;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.audit.AuditEventType;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The guard on every client a session builds: maps each call to its IAM action, refuses it before it is
 * sent when it is outside the session's scope or budget, and audits the outcome. One instance per
 * session, shared by all of its clients, so the budget is the session's.
 */
public final class GuardInterceptor implements ExecutionInterceptor {
  private static final String[] READ_VERBS = {"get", "list", "describe", "head", "select", "query", "scan",
      "batchget", "search", "lookup", "filter", "view", "read", "check", "validate", "estimate", "preview",
      "simulate", "test", "verify", "generate"};

  private final LeasedSession session;
  private final Scope scope;
  private final ActionMapper mapper;
  private final CallBudget budget;
  private final RateLimiter rate;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong mutating = new AtomicLong();

  public GuardInterceptor(LeasedSession session, Scope scope, ActionMapper mapper, CallBudget budget) {
    this.session = session;
    this.scope = scope;
    this.mapper = mapper;
    this.budget = budget;
    this.rate = RateLimiter.of("leasehold-session-" + session.id(), RateLimiterConfig.custom()
        .limitForPeriod(budget.callsPerSecond())
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ZERO)
        .build());
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    session.checkOpen();
    SdkRequest request = context.request();
    String action = mapper.actionFor(request, attributes);
    if (action == null) {
      if (scope.hasIntent()) {
        String raw = request.getClass().getSimpleName();
        refuse(raw, "the call " + raw + " cannot be mapped to an IAM action, and the session has a declared intent. "
            + "Add a mapping with AwsSessionFactory.Builder.actionMapping(...) if this call should be allowed.");
      }
      return;
    }
    String resource = ResourceNames.of(action, request, session.partition());
    String refusal = scope.refusal(action, resource);
    if (refusal != null) {
      refuse(action, refusal + ". Open a new session whose intent covers this call; do not ask to widen the role.");
    }
    if (!rate.acquirePermission()) {
      exhausted(action, "rate", "the session's call rate of " + budget.callsPerSecond()
          + " calls per second was exceeded; slow down.");
    }
    if (calls.incrementAndGet() > budget.maxCalls()) {
      exhausted(action, "budget", "the session's budget of " + budget.maxCalls()
          + " calls is used up; open a new session (a human approves it) for more work.");
    }
    if (isMutating(action) && mutating.incrementAndGet() > budget.maxMutatingCalls()) {
      exhausted(action, "mutating-budget", "the session's budget of " + budget.maxMutatingCalls()
          + " mutating calls is used up; open a new session (a human approves it) for more work.");
    }
    session.audit(AuditEventType.CALL_ALLOWED, action, "ok", null);
  }

  private void refuse(String action, String why) {
    session.audit(AuditEventType.CALL_REFUSED, action, "out-of-scope", why);
    throw new CallOutsideScopeException("Refused " + action + " in session " + session.id() + " (role '"
        + session.roleKey() + "'): " + why, action);
  }

  private void exhausted(String action, String outcome, String why) {
    session.audit(AuditEventType.CALL_REFUSED, action, outcome, why);
    throw new CallBudgetExhaustedException("Refused " + action + " in session " + session.id() + ": " + why);
  }

  /** Whether an action may change something: anything not starting with a read verb. */
  static boolean isMutating(String action) {
    int colon = action.indexOf(':');
    String verb = action.substring(colon + 1).toLowerCase(Locale.ROOT);
    for (String read : READ_VERBS) {
      if (verb.startsWith(read)) {
        return false;
      }
    }
    return true;
  }
}
