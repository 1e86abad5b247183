package dev.leasehold.internal;

import dev.leasehold.ApprovalRateLimitedException;
import dev.leasehold.ApprovalUnavailableException;
import dev.leasehold.GuardRails;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.Durations;
import dev.leasehold.fleet.CooldownKey;
import dev.leasehold.fleet.GuardRailStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Everything between a validated request and a human's decision: the denial cool-down, the prompt rate
 * limit per (agent, role) (against MFA fatigue), both kept in a {@link GuardRailStore} (this process's memory
 * by default, the fleet's database when one is configured), the circuit breaker around the channel, a hard
 * deadline on every decision, and the check that a decision answers the request that was asked.
 */
public final class ApprovalGate {
  /** How long past its own deadline a channel may take before Leasehold stops waiting. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private final ApprovalChannel channel;
  private final GuardRails rails;
  private final ExecutorService executor;
  private final CircuitBreaker breaker;
  private final GuardRailStore store;
  private final Clock clock;

  public ApprovalGate(ApprovalChannel channel, GuardRails rails, GuardRailStore store, Clock clock,
      ExecutorService executor) {
    this.channel = channel;
    this.rails = rails;
    this.store = store;
    this.clock = clock;
    this.executor = executor;
    this.breaker = CircuitBreaker.of("leasehold-approval-channel", CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(5)
        .minimumNumberOfCalls(3)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(30))
        .permittedNumberOfCallsInHalfOpenState(1)
        .build());
  }

  /**
   * The denial of this intent still in its cool-down, if any.
   *
   * @throws dev.leasehold.FleetUnavailableException when the shared store cannot be read
   */
  public Optional<Decision.Denied> recentDenial(CooldownKey key) {
    return store.recentDenial(key);
  }

  /** Remembers a denial so the same intent is refused without asking again during the cool-down. */
  public void rememberDenial(CooldownKey key, Decision.Denied denied) {
    if (!rails.denialCooldown().isZero()) {
      store.rememberDenial(key, denied, rails.denialCooldown());
    }
  }

  /**
   * Takes one prompt from the (agent, role) allowance, or throws.
   *
   * @throws ApprovalRateLimitedException when the allowance is used up
   * @throws dev.leasehold.FleetUnavailableException when the shared store cannot be read or written
   */
  public void takePrompt(String agent, String roleKey) {
    if (!store.tryTakePrompt(agent, roleKey, rails.approvalsPerRole(), rails.approvalWindow())) {
      throw new ApprovalRateLimitedException("Not asking a human again: role '" + roleKey + "' already had "
          + rails.approvalsPerRole() + " approval prompts in the last " + Durations.human(rails.approvalWindow())
          + ". This limit protects approvers from prompt storms (MFA fatigue). Batch the work into one request, "
          + "or wait and try again later.");
    }
  }

  /**
   * Asks the channel and waits at most until the request's deadline plus a grace period.
   *
   * @return the decision, checked to answer {@code request}; {@link Decision.Expired} when the channel
   *     overran its deadline
   * @throws ApprovalUnavailableException when the channel fails, its breaker is open, or its answer does
   *     not fit the request
   */
  public Decision decide(ApprovalRequest request) {
    if (!breaker.tryAcquirePermission()) {
      throw new ApprovalUnavailableException("The approval channel failed repeatedly and is paused (circuit "
          + "breaker open); nobody was asked about request " + request.id() + ". Fix the channel, then try again in "
          + Durations.human(Duration.ofMillis(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1))) + ".", null);
    }
    long start = System.nanoTime();
    Duration wait = Duration.between(clock.instant(), request.decideBy()).plus(GRACE);
    Future<Decision> future = executor.submit(() -> channel.decide(request));
    Decision decision;
    try {
      decision = future.get(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      return new Decision.Expired(request.id());
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      breaker.releasePermission();
      return new Decision.Expired(request.id());
    } catch (ExecutionException e) {
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e.getCause());
      throw new ApprovalUnavailableException("The approval channel could not ask a human about request "
          + request.id() + ": " + e.getCause().getMessage() + ". The request was not approved.", e.getCause());
    }
    if (decision == null || !request.id().equals(decision.requestId())) {
      IllegalStateException bad = new IllegalStateException("decision " + decision + " does not answer request " + request.id());
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, bad);
      throw new ApprovalUnavailableException("The approval channel answered request " + request.id()
          + " with a decision for " + (decision == null ? "nothing" : "request " + decision.requestId())
          + "; a decision is bound to its request, so this is treated as not approved.", bad);
    }
    if (decision instanceof Decision.Approved && request.requiresMfa()
        && ((Decision.Approved) decision).mfaCode().isEmpty()) {
      IllegalStateException bad = new IllegalStateException("approval without MFA code for request " + request.id());
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, bad);
      throw new ApprovalUnavailableException("The approval channel approved request " + request.id()
          + " without an MFA code, but role '" + request.roleKey() + "' requires one; treated as not approved.", bad);
    }
    breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return decision;
  }
}
