package dev.leasehold.policy;

import java.util.Objects;

/**
 * An STS session policy narrowed to an intent, with the compact JSON to send as the {@code Policy}
 * parameter of {@code AssumeRole}. Its size has been checked against {@link PolicyKind#SESSION}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param document the policy
 * @param json its compact JSON
 */
public record SessionPolicy(PolicyDocument document, String json) {
  /** Validates the fields. */
  public SessionPolicy {
    Objects.requireNonNull(document, "document == null");
    Objects.requireNonNull(json, "json == null");
  }
}
