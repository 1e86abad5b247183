package dev.leash.internal;

import dev.leash.catalog.RoleSpec;
import dev.leash.policy.Effect;
import dev.leash.policy.Statement;

/** Whether a role's catalog permissions allow an action on a resource (explicit deny wins). */
public final class RolePermissions {
  private RolePermissions() {}

  /** True only when some statement allows and none denies; conditions are not evaluated here and count as not matching. */
  public static boolean allows(RoleSpec role, String action, String resource) {
    boolean allowed = false;
    for (Statement s : role.permissions()) {
      if (!s.conditions().isEmpty() || !matchesAction(s, action) || !matchesResource(s, resource)) {
        continue;
      }
      if (s.effect() == Effect.DENY) {
        return false;
      }
      allowed = true;
    }
    return allowed;
  }

  private static boolean matchesAction(Statement s, String action) {
    if (!s.actions().isEmpty()) {
      return s.actions().stream().anyMatch(p -> Wildcards.matches(p, action, true));
    }
    return s.notActions().stream().noneMatch(p -> Wildcards.matches(p, action, true));
  }

  private static boolean matchesResource(Statement s, String resource) {
    if (!s.notResources().isEmpty()) {
      return s.notResources().stream().noneMatch(p -> Wildcards.matches(p, resource, false));
    }
    return s.resources().stream().anyMatch(p -> p.equals("*") || Wildcards.matches(p, resource, false)
        || resource.equals("*"));
  }
}
