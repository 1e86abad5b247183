package dev.leasehold.catalog.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.PolicyEvaluator;

/**
 * The compiled evaluator of each {@link RoleSpec} instance. Records cannot hold a private field, so the
 * compiled form lives here, keyed by identity with weak keys: computed once per instance, collected with it,
 * and looked up without hashing the role's statements. Not part of Leasehold's API.
 */
public final class CompiledRoles {
  private static final LoadingCache<RoleSpec, PolicyEvaluator> EVALUATORS = Caffeine.newBuilder()
      .weakKeys()
      .build(role -> PolicyEvaluator.of(role.permissions()));

  private CompiledRoles() {}

  /** The evaluator of {@code role}'s permissions. */
  public static PolicyEvaluator evaluator(RoleSpec role) {
    return EVALUATORS.get(role);
  }
}
