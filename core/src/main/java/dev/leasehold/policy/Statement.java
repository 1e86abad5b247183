package dev.leasehold.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One IAM policy statement.
 *
 * <p>The rule: a statement names its actions either positively ({@code Action}) or negatively
 * ({@code NotAction}), never both and never neither; likewise for resources, which may also be absent
 * (trust policies have none). Values are kept exactly as written; matching is the evaluator's job.
 *
 * <p>A single value may be written as a plain string or as a one-element array; {@link #explicitArrays()}
 * remembers which members a parsed document wrote as arrays, so it is written back unchanged. Built
 * statements write single values as plain strings.
 *
 * <p>Immutable and thread-safe. Build one with {@link #allow(String...)}, {@link #deny(String...)} or
 * {@link #builder()}.
 *
 * @param sid the optional statement id, or null
 * @param effect allow or deny
 * @param principal the principal, or null (identity policies have none)
 * @param notPrincipal the negated principal, or null
 * @param actions the actions matched; empty when {@code notActions} is used
 * @param notActions the actions excluded; empty when {@code actions} is used
 * @param resources the resources matched; may be empty when {@code notResources} is used or in a trust policy
 * @param notResources the resources excluded
 * @param conditions the conditions that must all hold
 * @param explicitArrays the members ({@code Action}, {@code NotAction}, {@code Resource},
 *     {@code NotResource}) whose single value was written as a one-element JSON array
 */
public record Statement(
    String sid,
    Effect effect,
    Principal principal,
    Principal notPrincipal,
    List<String> actions,
    List<String> notActions,
    List<String> resources,
    List<String> notResources,
    List<Condition> conditions,
    Set<String> explicitArrays) {

  private static final List<String> LIST_MEMBERS = List.of("Action", "NotAction", "Resource", "NotResource");

  /** Validates the statement and copies its lists. */
  public Statement {
    Objects.requireNonNull(effect, "effect == null");
    actions = List.copyOf(Objects.requireNonNull(actions, "actions == null"));
    notActions = List.copyOf(Objects.requireNonNull(notActions, "notActions == null"));
    resources = List.copyOf(Objects.requireNonNull(resources, "resources == null"));
    notResources = List.copyOf(Objects.requireNonNull(notResources, "notResources == null"));
    conditions = List.copyOf(Objects.requireNonNull(conditions, "conditions == null"));
    if (actions.isEmpty() == notActions.isEmpty()) {
      throw new IllegalArgumentException("a statement needs exactly one of Action or NotAction");
    }
    if (!resources.isEmpty() && !notResources.isEmpty()) {
      throw new IllegalArgumentException("a statement cannot have both Resource and NotResource");
    }
    if (principal != null && notPrincipal != null) {
      throw new IllegalArgumentException("a statement cannot have both Principal and NotPrincipal");
    }
    Set<String> arrays = new LinkedHashSet<>();
    if (explicitArrays != null) {
      List<List<String>> lists = List.of(actions, notActions, resources, notResources);
      for (int i = 0; i < LIST_MEMBERS.size(); i++) {
        if (explicitArrays.contains(LIST_MEMBERS.get(i)) && lists.get(i).size() == 1) {
          arrays.add(LIST_MEMBERS.get(i));
        }
      }
    }
    explicitArrays = Collections.unmodifiableSet(arrays);
  }

  /** A statement whose single values are written as plain strings. */
  public Statement(String sid, Effect effect, Principal principal, Principal notPrincipal, List<String> actions,
      List<String> notActions, List<String> resources, List<String> notResources, List<Condition> conditions) {
    this(sid, effect, principal, notPrincipal, actions, notActions, resources, notResources, conditions, Set.of());
  }

  /** A builder for an {@code Allow} statement of these actions. */
  public static Builder allow(String... actions) {
    return builder().effect(Effect.ALLOW).actions(actions);
  }

  /** A builder for a {@code Deny} statement of these actions. */
  public static Builder deny(String... actions) {
    return builder().effect(Effect.DENY).actions(actions);
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this statement's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.sid = sid;
    b.effect = effect;
    b.principal = principal;
    b.notPrincipal = notPrincipal;
    b.actions = new ArrayList<>(actions);
    b.notActions = new ArrayList<>(notActions);
    b.resources = new ArrayList<>(resources);
    b.notResources = new ArrayList<>(notResources);
    b.conditions = new ArrayList<>(conditions);
    b.explicitArrays = explicitArrays;
    return b;
  }

  /** Builds {@link Statement}s. Not thread-safe. */
  public static final class Builder {
    private String sid;
    private Effect effect;
    private Principal principal;
    private Principal notPrincipal;
    private List<String> actions = new ArrayList<>();
    private List<String> notActions = new ArrayList<>();
    private List<String> resources = new ArrayList<>();
    private List<String> notResources = new ArrayList<>();
    private List<Condition> conditions = new ArrayList<>();
    private Set<String> explicitArrays = Set.of();

    private Builder() {}

    /** Sets the statement id. */
    public Builder sid(String sid) { this.sid = sid; return this; }
    /** Sets the effect. */
    public Builder effect(Effect effect) { this.effect = effect; return this; }
    /** Sets the principal. */
    public Builder principal(Principal principal) { this.principal = principal; return this; }
    /** Sets the negated principal. */
    public Builder notPrincipal(Principal notPrincipal) { this.notPrincipal = notPrincipal; return this; }
    /** Replaces the actions. */
    public Builder actions(String... actions) { this.actions = new ArrayList<>(Arrays.asList(actions)); return this; }
    /** Replaces the actions. */
    public Builder actions(List<String> actions) { this.actions = new ArrayList<>(actions); return this; }
    /** Replaces the excluded actions. */
    public Builder notActions(String... notActions) { this.notActions = new ArrayList<>(Arrays.asList(notActions)); return this; }
    /** Replaces the excluded actions. */
    public Builder notActions(List<String> notActions) { this.notActions = new ArrayList<>(notActions); return this; }
    /** Replaces the resources. */
    public Builder resources(String... resources) { this.resources = new ArrayList<>(Arrays.asList(resources)); return this; }
    /** Replaces the resources. */
    public Builder resources(List<String> resources) { this.resources = new ArrayList<>(resources); return this; }
    /** Replaces the excluded resources. */
    public Builder notResources(String... notResources) { this.notResources = new ArrayList<>(Arrays.asList(notResources)); return this; }
    /** Replaces the excluded resources. */
    public Builder notResources(List<String> notResources) { this.notResources = new ArrayList<>(notResources); return this; }
    /** Adds a condition. */
    public Builder condition(Condition condition) { this.conditions.add(condition); return this; }
    /** Adds a condition {@code operator: {key: values}}. */
    public Builder condition(String operator, String key, String... values) { return condition(Condition.of(operator, key, values)); }
    /** Replaces the conditions. */
    public Builder conditions(List<Condition> conditions) { this.conditions = new ArrayList<>(conditions); return this; }
    /** Names the members whose single value is written as a one-element array (see {@link Statement#explicitArrays()}). */
    public Builder explicitArrays(Set<String> members) { this.explicitArrays = Set.copyOf(members); return this; }

    /** Builds the statement; throws {@link IllegalArgumentException} when it is malformed. */
    public Statement build() {
      return new Statement(sid, effect, principal, notPrincipal, actions, notActions, resources, notResources, conditions,
          explicitArrays);
    }
  }
}
