package dev.leash.internal;

import java.time.Duration;
import java.util.List;

/** What makes two requests "the same task": they share one approval and one lease. */
public record TaskKey(String roleKey, String reason, List<String> actions, List<String> resources, Duration duration) {
  public TaskKey {
    actions = actions.stream().sorted().distinct().toList();
    resources = resources.stream().sorted().distinct().toList();
  }
}
