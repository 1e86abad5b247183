package dev.leasehold.policy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One request to evaluate: an action on a resource, by an optional principal, with the request's
 * condition context.
 *
 * <p>The rules mirror IAM's request context: action names compare case-insensitively, resources
 * case-sensitively, and condition keys case-insensitively ({@code aws:SourceIp} and {@code aws:sourceip}
 * are the same key). A key absent from {@link #context()} is "not present" for the condition operators
 * ({@code IfExists}, {@code Null}, {@code ForAllValues} treat that specially). The same context supplies
 * the values of policy variables: {@code ${aws:username}} takes the value of {@code aws:username}, and so
 * on; the builder has shortcuts for the principal's keys ({@link Builder#username}, {@link Builder#userId},
 * {@link Builder#principalTag}, {@link Builder#sourceIdentity}). A key the request does not carry is
 * absent: the evaluator answers for exactly the context it is given.
 *
 * <p>Immutable and thread-safe.
 *
 * @param action the IAM action, such as {@code s3:PutObject}
 * @param resource the resource ARN; for a trust policy, the role's ARN (trust statements have no
 *     {@code Resource} and match any)
 * @param principalArn the calling principal's ARN (or service name), or null when not known; statements
 *     with a {@code Principal} only match a known principal
 * @param context condition keys to their values; copied into a case-insensitive map
 */
public record EvaluationRequest(String action, String resource, String principalArn,
    Map<String, List<String>> context) {

  /** The context key of an IAM user's friendly name. */
  public static final String USERNAME = "aws:username";
  /** The context key of the principal's unique id. */
  public static final String USERID = "aws:userid";
  /** The prefix of the context keys of the principal's tags. */
  public static final String PRINCIPAL_TAG_PREFIX = "aws:PrincipalTag/";
  /** The context key of the session's source identity. */
  public static final String SOURCE_IDENTITY = "aws:SourceIdentity";

  /** Validates and copies the context. */
  public EvaluationRequest {
    Objects.requireNonNull(action, "action == null");
    Objects.requireNonNull(resource, "resource == null");
    if (context == null || context.isEmpty()) {
      context = Map.of();
    } else {
      TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      context.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "context key == null"), List.copyOf(v)));
      context = Collections.unmodifiableMap(copy);
    }
  }

  /** A request without principal and context. */
  public static EvaluationRequest of(String action, String resource) {
    return new EvaluationRequest(action, resource, null, Map.of());
  }

  /** A builder for a request of this action on this resource. */
  public static Builder builder(String action, String resource) {
    return new Builder(action, resource);
  }

  /** The values of a context key (any case), or an empty list when the key is not present. */
  public List<String> contextValues(String key) {
    return context.getOrDefault(key, List.of());
  }

  /** Builds {@link EvaluationRequest}s. Not thread-safe. */
  public static final class Builder {
    private final String action;
    private final String resource;
    private String principalArn;
    private final Map<String, List<String>> context = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private Builder(String action, String resource) {
      this.action = action;
      this.resource = resource;
    }

    /** Sets the calling principal's ARN. */
    public Builder principal(String principalArn) { this.principalArn = principalArn; return this; }
    /** Sets a context key to these values (an empty array makes it present but empty). */
    public Builder context(String key, String... values) { context.put(key, List.of(values)); return this; }
    /** Sets {@code aws:username}, the IAM user's friendly name (absent for roles and the root user). */
    public Builder username(String username) { return context(USERNAME, username); }
    /** Sets {@code aws:userid}, the principal's unique id ({@code role-id:session-name} for a role session). */
    public Builder userId(String userId) { return context(USERID, userId); }
    /** Sets {@code aws:PrincipalTag/<key>} to {@code value}. */
    public Builder principalTag(String key, String value) { return context(PRINCIPAL_TAG_PREFIX + key, value); }
    /** Sets {@code aws:SourceIdentity}, the source identity set when the session was assumed. */
    public Builder sourceIdentity(String sourceIdentity) { return context(SOURCE_IDENTITY, sourceIdentity); }

    /** Builds the request. */
    public EvaluationRequest build() {
      return new EvaluationRequest(action, resource, principalArn, context);
    }
  }
}
