package dev.leasehold.internal;

import java.time.Duration;
import java.util.List;

/** What makes two requests "the same task": they share one approval and one lease. */
public record TaskKey(String roleKey, String reason, List<String> actions, List<String> resources, Duration duration) {
  public TaskKey {
    actions = normalized(actions);
    resources = normalized(resources);
  }

  /**
   * The values sorted and without repeats. On the cache-hit path of {@code open()} the lists usually are
   * already (one action, or none), so they are checked first and kept without copying or sorting.
   */
  private static List<String> normalized(List<String> values) {
    for (int i = 1; i < values.size(); i++) {
      if (values.get(i - 1).compareTo(values.get(i)) >= 0) {
        return values.stream().sorted().distinct().toList();
      }
    }
    return List.copyOf(values);
  }
}
