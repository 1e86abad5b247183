package dev.leasehold.fleet;

import java.util.List;
import java.util.Objects;

/**
 * What a denial's cool-down covers: the agent, the role and the intent (actions and resources), not the reason's
 * wording, so that rewording a denied request does not ask the same human again. Immutable.
 *
 * @param agent the catalog's agent name
 * @param roleKey the role's key in the catalog
 * @param actions the intent's IAM actions, sorted and without repeats
 * @param resources the intent's resources, sorted and without repeats
 */
public record CooldownKey(String agent, String roleKey, List<String> actions, List<String> resources) {
  /** Copies the lists, sorted and without repeats. */
  public CooldownKey {
    Objects.requireNonNull(agent, "agent == null");
    Objects.requireNonNull(roleKey, "roleKey == null");
    actions = actions.stream().sorted().distinct().toList();
    resources = resources.stream().sorted().distinct().toList();
  }

  /** An unambiguous text of the key (each field length-prefixed), for digests. */
  public String canonical() {
    return Task.join("cooldown", agent, roleKey, String.join("\n", actions), String.join("\n", resources));
  }
}
