package dev.leasehold.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.leasehold.approval.Decision;
import dev.leasehold.fleet.Coordination;
import dev.leasehold.fleet.CooldownKey;
import dev.leasehold.fleet.GuardRailStore;
import dev.leasehold.fleet.Task;
import dev.leasehold.fleet.TaskCoordinator;
import dev.leasehold.fleet.TaskOutcome;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The default coordination of one process, needing no database: a Resilience4j rate limiter per (agent, role),
 * a Caffeine cache of denials that expire after their cool-down, and a task coordinator that makes every claim
 * the asker (the factory's own single flight already joins concurrent callers of one task in this process).
 */
public final class LocalCoordination implements Coordination, GuardRailStore, TaskCoordinator {
  private record Remembered(Decision.Denied denied, Duration cooldown) {}

  private record RoleKey(String agent, String roleKey) {}

  private final Map<RoleKey, RateLimiter> promptLimits = new ConcurrentHashMap<>();
  private final Cache<CooldownKey, Remembered> denials;

  public LocalCoordination(Clock clock) {
    this.denials = Caffeine.newBuilder()
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(new Expiry<CooldownKey, Remembered>() {
          @Override
          public long expireAfterCreate(CooldownKey key, Remembered value, long now) {
            return value.cooldown().toNanos();
          }

          @Override
          public long expireAfterUpdate(CooldownKey key, Remembered value, long now, long current) {
            return value.cooldown().toNanos();
          }

          @Override
          public long expireAfterRead(CooldownKey key, Remembered value, long now, long current) {
            return current;
          }
        })
        .maximumSize(10_000)
        .build();
  }

  @Override
  public GuardRailStore guardRails() {
    return this;
  }

  @Override
  public TaskCoordinator tasks() {
    return this;
  }

  @Override
  public boolean tryTakePrompt(String agent, String roleKey, int limit, Duration window) {
    RateLimiter limiter = promptLimits.computeIfAbsent(new RoleKey(agent, roleKey), k -> RateLimiter.of(
        "leasehold-prompts-" + roleKey, RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(window)
            .timeoutDuration(Duration.ZERO).build()));
    return limiter.acquirePermission();
  }

  @Override
  public Optional<Decision.Denied> recentDenial(CooldownKey key) {
    Remembered r = denials.getIfPresent(key);
    return r == null ? Optional.empty() : Optional.of(r.denied());
  }

  @Override
  public void rememberDenial(CooldownKey key, Decision.Denied denied, Duration cooldown) {
    if (!cooldown.isZero() && !cooldown.isNegative()) {
      denials.put(key, new Remembered(denied, cooldown));
    }
  }

  @Override
  public Claim claim(Task task, String requestId, Instant deadline) {
    return ALONE;
  }

  /** In one process the caller always asks, and there is nobody to tell. */
  private static final Asking ALONE = new Asking() {
    @Override
    public void settle(TaskOutcome outcome) {}

    @Override
    public void withdraw() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "LocalCoordination.Asking";
    }
  };

  @Override
  public String toString() {
    return "LocalCoordination";
  }
}
