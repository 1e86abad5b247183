package dev.leasehold;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an agent asks for: one catalog role, a concrete reason, and optionally the intent (the IAM
 * actions, and resources, the task needs).
 *
 * <p>The rules, enforced by {@link AwsSessionFactory#open(AccessRequest)} before a human is asked: the
 * role is in the catalog; the reason is concrete (12-256 characters, at least three words, no control,
 * invisible or bidi characters, not a vague phrase such as "do work"); the intent's actions and resources
 * hold no control, invisible or bidi characters either (the same rule as the reason; surrounding whitespace
 * is stripped) and are allowed by the role's catalog permissions; every action is one AWS has (a misspelt
 * one is an {@link UnknownActionException} naming the closest); the duration is no longer than the role
 * allows. With an intent, the lease is narrowed to exactly those actions and the session's clients refuse
 * everything else. A wildcard action such as {@code s3:Get*} is expanded when the request is opened to
 * exactly the actions AWS has that it matches (the human, the session policy and the guard see them
 * spelled out, and the lease does not grow with actions AWS adds later); {@code *} and {@code service:*}
 * are refused.
 *
 * <pre>{@code
 * AccessRequest request = AccessRequest.builder()
 *     .role("s3-deploy")
 *     .reason("upload release 1.4.2 artifacts to the deploy bucket")
 *     .intent("s3:PutObject")
 *     .resources("arn:aws:s3:::hermes-dev-deploy/releases/*")
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; two requests with the same role, reason, intent and duration are the
 * same task, and share one approval and one lease while it lives.
 */
public final class AccessRequest {
  private final String role;
  private final String reason;
  private final List<String> actions;
  private final List<String> resources;
  private final Duration duration;

  private AccessRequest(Builder b) {
    this.role = Objects.requireNonNull(b.role, "role == null: name a catalog role key");
    this.reason = Objects.requireNonNull(b.reason, "reason == null: say concretely what the lease is for");
    this.actions = List.copyOf(b.actions);
    this.resources = List.copyOf(b.resources);
    this.duration = b.duration;
    if (!resources.isEmpty() && actions.isEmpty()) {
      throw new IllegalArgumentException("resources were given without an intent: declare the actions too");
    }
  }

  /** A request for {@code role} with {@code reason} and an intent of {@code actions} (may be none). */
  public static AccessRequest of(String role, String reason, String... actions) {
    return builder().role(role).reason(reason).intent(actions).build();
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder().role(role).reason(reason).intent(actions).resources(resources);
    b.duration = duration;
    return b;
  }

  /** The catalog role key. */
  public String role() {
    return role;
  }

  /** The agent's reason, as given (validated by the factory). */
  public String reason() {
    return reason;
  }

  /** The declared IAM actions; empty when no intent was declared. */
  public List<String> actions() {
    return actions;
  }

  /** The declared resource ARNs; empty means the role's own resources. */
  public List<String> resources() {
    return resources;
  }

  /** Whether an intent was declared. */
  public boolean hasIntent() {
    return !actions.isEmpty();
  }

  /** The requested lease length, if one was given; otherwise the role's. */
  public Optional<Duration> duration() {
    return Optional.ofNullable(duration);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AccessRequest)) {
      return false;
    }
    AccessRequest other = (AccessRequest) o;
    return role.equals(other.role) && reason.equals(other.reason) && actions.equals(other.actions)
        && resources.equals(other.resources) && Objects.equals(duration, other.duration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, reason, actions, resources, duration);
  }

  @Override
  public String toString() {
    return "AccessRequest[role=" + role + ", reason=" + reason + ", intent=" + actions
        + (resources.isEmpty() ? "" : ", resources=" + resources)
        + (duration == null ? "" : ", duration=" + duration) + "]";
  }

  /** Builds {@link AccessRequest}s. Not thread-safe. */
  public static final class Builder {
    private String role;
    private String reason;
    private final List<String> actions = new ArrayList<>();
    private final List<String> resources = new ArrayList<>();
    private Duration duration;

    private Builder() {}

    /** The catalog role key, such as {@code s3-deploy}. */
    public Builder role(String role) {
      this.role = role;
      return this;
    }

    /** A concrete reason: what will be done, to what, and why. */
    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    /**
     * Replaces the declared actions, such as {@code s3:PutObject}; a pattern such as {@code s3:Get*} stands
     * for exactly the actions AWS has that it matches ({@code *} and {@code service:*} are refused).
     */
    public Builder intent(String... actions) {
      return intent(Arrays.asList(actions));
    }

    /** Replaces the declared actions. */
    public Builder intent(List<String> actions) {
      this.actions.clear();
      for (String a : actions) {
        this.actions.add(Objects.requireNonNull(a, "intent action == null").strip());
      }
      return this;
    }

    /** Replaces the declared resource ARNs the actions apply to. */
    public Builder resources(String... resources) {
      return resources(Arrays.asList(resources));
    }

    /** Replaces the declared resource ARNs. */
    public Builder resources(List<String> resources) {
      this.resources.clear();
      for (String r : resources) {
        this.resources.add(Objects.requireNonNull(r, "resource == null").strip());
      }
      return this;
    }

    /** The lease length; at most the role's. Default: the role's (15 minutes unless the catalog says otherwise). */
    public Builder duration(Duration duration) {
      this.duration = Objects.requireNonNull(duration, "duration == null");
      return this;
    }

    /** Builds the request. */
    public AccessRequest build() {
      return new AccessRequest(this);
    }
  }
}
