package dev.leash.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who a resource-based or trust policy statement applies to: {@code "*"} or a map such as
 * {@code {"AWS": ["arn:aws:iam::123456789012:user/agent"]}}.
 *
 * <p>Leash's linter flags {@link #any()} in a trust policy: it lets every AWS account try to assume the
 * role.
 *
 * @param wildcard true for {@code "Principal": "*"}
 * @param values principal type ({@code AWS}, {@code Service}, {@code Federated}, {@code CanonicalUser})
 *     to identifiers; empty when {@code wildcard}
 */
public record Principal(boolean wildcard, Map<String, List<String>> values) {
  /** Validates and copies the map, keeping its order. */
  public Principal {
    Objects.requireNonNull(values, "values == null");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "principal type == null"), List.copyOf(v)));
    values = java.util.Collections.unmodifiableMap(copy);
    if (wildcard && !values.isEmpty()) {
      throw new IllegalArgumentException("a wildcard principal has no other values");
    }
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
}
