package dev.leasehold.policy;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One condition test of a statement: {@code "operator": {"key": [values]}}.
 *
 * <p>The operator keeps IAM's full spelling, including set prefixes and the {@code IfExists} suffix
 * ({@code ForAnyValue:StringLike}, {@code DateLessThanIfExists}). An operator the local evaluator does
 * not know makes the evaluation {@code UNKNOWN}, which Leasehold treats as a denial.
 *
 * <p>Values are kept as text. Real documents also write booleans and numbers unquoted
 * ({@code "aws:SecureTransport": false}); {@link #valueTypes()} remembers that, and
 * {@link #explicitArray()} remembers a one-element array, so a parsed document is written back as it
 * was. Neither changes what the condition means.
 *
 * <p>Immutable and thread-safe.
 *
 * @param operator the condition operator, such as {@code Bool} or {@code StringEquals}
 * @param key the context key, such as {@code aws:MultiFactorAuthPresent}
 * @param values the values to compare with; at least one
 * @param explicitArray true when a single value was written as a one-element JSON array
 * @param valueTypes the JSON type each value was written with, one per value
 */
public record Condition(String operator, String key, List<String> values, boolean explicitArray,
    List<ValueType> valueTypes) {

  /** The JSON type a condition value was written with. */
  public enum ValueType {
    /** A JSON string: {@code "true"}. */
    STRING,
    /** A JSON boolean: {@code true}. */
    BOOLEAN,
    /** A JSON number: {@code 3600}. */
    NUMBER
  }

  /** Validates the fields and copies the lists; an empty {@code valueTypes} means all strings. */
  public Condition {
    Objects.requireNonNull(operator, "operator == null");
    Objects.requireNonNull(key, "key == null");
    values = List.copyOf(Objects.requireNonNull(values, "values == null"));
    valueTypes = valueTypes == null || valueTypes.isEmpty()
        ? Collections.nCopies(values.size(), ValueType.STRING)
        : List.copyOf(valueTypes);
    if (operator.isBlank() || key.isBlank()) {
      throw new IllegalArgumentException("condition operator and key must not be blank");
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException("condition " + operator + " on " + key + " needs at least one value");
    }
    if (valueTypes.size() != values.size()) {
      throw new IllegalArgumentException("one value type per condition value");
    }
    explicitArray = explicitArray || values.size() > 1;
  }

  /** A condition of string values, written as JSON strings. */
  public Condition(String operator, String key, List<String> values) {
    this(operator, key, values, false, List.of());
  }

  /** A condition with the given values. */
  public static Condition of(String operator, String key, String... values) {
    return new Condition(operator, key, List.of(values));
  }
}
