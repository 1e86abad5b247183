package dev.leasehold.policy;

import dev.leasehold.catalog.RoleSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds the session policy that narrows a lease to its declared intent.
 *
 * <p>The rules: the policy allows exactly the intent's actions, and nothing else; on the intent's
 * resources when it names some, otherwise on the resources the role's own permissions name for each
 * action (the effective permissions are the intersection of the role's policy and the session policy, so
 * this never widens the role). Intent actions must be literal ({@code service:Action}, no {@code *} or
 * {@code ?}). The policy must fit STS's 2,048-character limit.
 *
 * <p>Whether the role allows the intent at all is a separate check
 * ({@link RoleSpec#allowsIntent(List, List)}); make it first so the agent learns which roles fit.
 *
 * <p>Stateless and thread-safe.
 */
public final class SessionPolicies {
  private static final Pattern LITERAL_ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9]+");

  private SessionPolicies() {}

  /**
   * The session policy for an intent on a role.
   *
   * @param role the role being leased
   * @param actions literal IAM actions, at least one
   * @param resources resource ARNs (wildcards allowed, to name a prefix), or empty for the role's own
   * @throws InvalidIntentException when an action is not literal, or the role names no resource for it
   * @throws PolicyTooLargeException when the policy exceeds 2,048 characters
   */
  public static SessionPolicy forIntent(RoleSpec role, List<String> actions, List<String> resources) {
    Objects.requireNonNull(role, "role == null");
    Objects.requireNonNull(actions, "actions == null");
    Objects.requireNonNull(resources, "resources == null");
    if (actions.isEmpty()) {
      throw new InvalidIntentException("An intent needs at least one action, such as s3:PutObject.");
    }
    for (String action : actions) {
      if (!LITERAL_ACTION.matcher(action).matches()) {
        throw new InvalidIntentException("Intent action '" + action + "' must be one literal IAM action such as "
            + "s3:PutObject, without wildcards; list each action the task needs.");
      }
    }
    List<Statement> statements = new ArrayList<>();
    if (!resources.isEmpty()) {
      statements.add(Statement.allow(actions.toArray(String[]::new)).resources(resources).build());
    } else {
      Map<List<String>, List<String>> actionsByResources = new LinkedHashMap<>();
      for (String action : actions) {
        List<String> own = role.evaluator().allowedResourcePatterns(action);
        if (own.isEmpty()) {
          throw new InvalidIntentException("Role '" + role.key() + "' allows '" + action + "' on no resource; "
              + "ask for a role that allows it, or drop it from the intent.");
        }
        actionsByResources.computeIfAbsent(own, k -> new ArrayList<>()).add(action);
      }
      actionsByResources.forEach((res, acts) -> statements.add(Statement.builder().effect(Effect.ALLOW)
          .actions(acts).resources(res).build()));
    }
    PolicyDocument document = PolicyDocument.of(statements);
    return new SessionPolicy(document, PolicyKind.SESSION.checkedJson(document, "role " + role.key()));
  }
}
