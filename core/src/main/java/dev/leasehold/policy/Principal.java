package dev.leasehold.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who a resource-based or trust policy statement applies to: {@code "*"} or a map such as
 * {@code {"AWS": ["arn:aws:iam::123456789012:user/agent"]}}.
 *
 * <p>Leasehold's linter flags {@link #any()} (and {@code {"AWS": "*"}}) in a trust policy: it lets every AWS
 * account try to assume the role.
 *
 * <p>Immutable and thread-safe.
 *
 * @param wildcard true for {@code "Principal": "*"}
 * @param values principal type ({@code AWS}, {@code Service}, {@code Federated}, {@code CanonicalUser})
 *     to identifiers; empty when {@code wildcard}
 * @param explicitArrays the principal types whose single identifier was written as a one-element JSON
 *     array; only affects how the document is written back
 */
public record Principal(boolean wildcard, Map<String, List<String>> values, Set<String> explicitArrays) {
  /** Validates and copies the map, keeping its order. */
  public Principal {
    Objects.requireNonNull(values, "values == null");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "principal type == null"), List.copyOf(v)));
    values = Collections.unmodifiableMap(copy);
    if (wildcard && !values.isEmpty()) {
      throw new IllegalArgumentException("a wildcard principal has no other values");
    }
    Set<String> arrays = new LinkedHashSet<>();
    if (explicitArrays != null) {
      for (String type : explicitArrays) {
        if (copy.containsKey(type) && copy.get(type).size() == 1) {
          arrays.add(type);
        }
      }
    }
    explicitArrays = Collections.unmodifiableSet(arrays);
  }

  /** A principal whose single values are written as plain strings. */
  public Principal(boolean wildcard, Map<String, List<String>> values) {
    this(wildcard, values, Set.of());
  }

  /** {@code "Principal": "*"}. */
  public static Principal any() {
    return new Principal(true, Map.of());
  }

  /** {@code "Principal": {"AWS": [arns]}}. */
  public static Principal aws(String... arns) {
    return new Principal(false, Map.of("AWS", List.of(arns)));
  }

  /** {@code "Principal": {"Service": [names]}}. */
  public static Principal service(String... services) {
    return new Principal(false, Map.of("Service", List.of(services)));
  }

  /** Whether this principal admits anyone: {@code "*"} or {@code {"AWS": "*"}}. */
  public boolean admitsAnyone() {
    return wildcard || values.getOrDefault("AWS", List.of()).contains("*");
  }
}
