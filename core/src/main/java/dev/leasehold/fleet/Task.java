package dev.leasehold.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What makes two requests "the same task", across processes as within one: the same agent, role, trimmed
 * reason, intent (actions and resources, as sets) and lease duration. Requests of one task share one approval and
 * one lease. Immutable; {@code toString()} leaves the reason out (it may carry business context).
 *
 * @param agent the catalog's agent name
 * @param roleKey the role's key
 * @param reason the trimmed reason
 * @param actions the intent's IAM actions, sorted and without repeats
 * @param resources the intent's resources, sorted and without repeats
 * @param duration the lease's duration
 */
public record Task(String agent, String roleKey, String reason, List<String> actions, List<String> resources,
    Duration duration) {
  /** Copies the lists, sorted and without repeats. */
  public Task {
    Objects.requireNonNull(agent, "agent == null");
    Objects.requireNonNull(roleKey, "roleKey == null");
    Objects.requireNonNull(reason, "reason == null");
    Objects.requireNonNull(duration, "duration == null");
    actions = actions.stream().sorted().distinct().toList();
    resources = resources.stream().sorted().distinct().toList();
  }

  /** An unambiguous text of the task (each field length-prefixed), for digests. */
  public String canonical() {
    return join("task", agent, roleKey, reason, String.join("\n", actions), String.join("\n", resources),
        Long.toString(duration.toSeconds()));
  }

  static String join(String kind, String... fields) {
    StringBuilder sb = new StringBuilder(kind);
    for (String f : fields) {
      sb.append('|').append(f.length()).append(':').append(f);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Task[agent=" + agent + ", role=" + roleKey + ", intent=" + actions + ", duration=" + duration + "]";
  }
}
