package dev.leash.policy;

import java.util.List;
import java.util.Objects;

/**
 * One condition test of a statement: {@code "operator": {"key": [values]}}.
 *
 * <p>The operator keeps IAM's full spelling, including set prefixes and the {@code IfExists} suffix
 * ({@code ForAnyValue:StringLike}, {@code DateLessThanIfExists}). An operator the local evaluator does
 * not know makes the evaluation {@code UNKNOWN}, which Leash treats as a denial.
 *
 * @param operator the condition operator, such as {@code Bool} or {@code StringEquals}
 * @param key the context key, such as {@code aws:MultiFactorAuthPresent}
 * @param values the values to compare with; at least one
 */
public record Condition(String operator, String key, List<String> values) {
  /** Validates the fields and copies the list. */
  public Condition {
    Objects.requireNonNull(operator, "operator == null");
    Objects.requireNonNull(key, "key == null");
    values = List.copyOf(Objects.requireNonNull(values, "values == null"));
    if (operator.isBlank() || key.isBlank()) {
      throw new IllegalArgumentException("condition operator and key must not be blank");
    }
  }

  /** A condition with the given values. */
  public static Condition of(String operator, String key, String... values) {
    return new Condition(operator, key, List.of(values));
  }
}
