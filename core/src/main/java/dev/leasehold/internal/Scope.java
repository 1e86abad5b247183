package dev.leasehold.internal;

import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.policy.internal.Glob;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one session may call: the declared intent (if any) and the role's catalog permissions. Built once
 * per session (globs and the role's evaluator compiled here); {@link #refusal(String, String)} is on the
 * hot path of every guarded call.
 */
public final class Scope {
  private final RoleSpec role;
  private final PolicyEvaluator permissions;
  private final Set<String> intent;
  private final String intentDescription;
  private final List<String> intentResources;
  private final List<Glob> resourceGlobs;

  public Scope(RoleSpec role, List<String> intentActions, List<String> intentResources) {
    this.role = role;
    this.permissions = role.evaluator();
    this.intent = intentActions.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.intentDescription = intentActions.stream().sorted().collect(Collectors.joining(", ", "[", "]"));
    this.intentResources = List.copyOf(intentResources);
    this.resourceGlobs = intentResources.stream().map(p -> Glob.of(p, false)).toList();
  }

  /** Whether an intent was declared. */
  public boolean hasIntent() {
    return !intent.isEmpty();
  }

  /**
   * Why {@code action} on {@code resource} is refused, or null when it is allowed.
   *
   * @param action the IAM action
   * @param resource the resource ARN when the call names one Leasehold can derive, else null
   */
  public String refusal(String action, String resource) {
    if (!intent.isEmpty()) {
      if (!intent.contains(action.toLowerCase(Locale.ROOT))) {
        return action + " is outside the session's declared intent " + intentDescription;
      }
      if (resource != null && !resourceGlobs.isEmpty() && resourceGlobs.stream().noneMatch(g -> g.matches(resource))) {
        return action + " on " + resource + " is outside the session's declared resources " + intentResources;
      }
    }
    boolean allowed = resource == null
        ? permissions.evaluateOnSomeResource(action).isAllowed()
        : permissions.evaluate(action, resource).isAllowed();
    if (!allowed) {
      return action + (resource == null ? "" : " on " + resource) + " is not allowed by role '" + role.key()
          + "' in the catalog";
    }
    return null;
  }
}
