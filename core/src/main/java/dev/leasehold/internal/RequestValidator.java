package dev.leasehold.internal;

import dev.leasehold.AccessRequest;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.LeaseholdException;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.UnknownActionException;
import dev.leasehold.approval.Durations;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.IamActions;
import dev.leasehold.policy.SessionPolicies;
import dev.leasehold.policy.internal.Glob;
import dev.leasehold.policy.internal.ServiceAuthorization;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Step 1 of DESIGN.md's request flow for a role found in the catalog: the reason is concrete, the duration
 * is one the role allows, the role's grant has not ended, a role that requires an intent got one, wildcards
 * in the intent expand to literal actions, and the intent is within the role (rendered as the session
 * policy). Two calls, {@link #check} then {@link #inScope}, so that a refusal can be audited with the intent
 * as expanded once it was. Each check's message tells the agent what to do instead; nobody has been asked when one fails.
 *
 * <p>Its one reason to change: what makes a request valid, and what an agent reads when it is not. It also
 * says which {@link TaskKey} a request would have once valid ({@link #taskOf}), because that follows from the
 * same normalisation (the trimmed reason, the role's default duration). Stateless apart from the catalog and
 * the clock; safe for concurrent use.
 */
final class RequestValidator {
  /** A request whose own checks passed: its reason trimmed, its duration, its intent's wildcards expanded. */
  record Checked(AccessRequest request, String reason, Duration duration) {}

  /** A request that passed step 1: {@link Checked}, and the intent within the role as a session policy. */
  record Valid(AccessRequest request, String reason, Duration duration, Optional<String> sessionPolicy) {
    /** The task this request is one caller of. */
    TaskKey task(RoleSpec role) {
      return new TaskKey(role.key(), reason, request.actions(), request.resources(), duration);
    }
  }

  private final RoleCatalog catalog;
  private final Clock clock;

  RequestValidator(RoleCatalog catalog, Clock clock) {
    this.catalog = catalog;
    this.clock = clock;
  }

  /**
   * The checks of {@code request} on its own for {@code role} (the role it names): the reason, the duration,
   * the grant's end, an intent where the role requires one; then the intent's wildcards expanded.
   *
   * @throws LeaseholdException the first check that failed: {@code InvalidRequestException} (reason,
   *     duration, an ended grant, a missing intent, a whole-service wildcard), {@code UnknownActionException},
   *     or what {@link ReasonValidator} and {@link AgentText} refuse
   */
  Checked check(RoleSpec role, AccessRequest request) {
    String reason = ReasonValidator.validate(request.reason());
    Duration duration = durationFor(role, request);
    checkNotExpired(role);
    checkIntentIfRequired(role, request);
    return new Checked(withExpandedIntent(request), reason, duration);
  }

  /**
   * The last check: the (expanded) intent is within the role, rendered as the lease's session policy.
   *
   * @throws LeaseholdException {@code OutOfScopeException} naming the roles that would allow the intent,
   *     {@code UnknownActionException}, or what {@link AgentText} refuses
   */
  Valid inScope(RoleSpec role, Checked checked) {
    return new Valid(checked.request(), checked.reason(), checked.duration(), sessionPolicy(role, checked.request()));
  }

  /**
   * The task {@code request} would be once validated, without validating it: the key of the cache-hit fast
   * path. A request whose intent has wildcards gets a key no validated request has (those are keyed by the
   * expanded actions), so it always takes the full path.
   */
  TaskKey taskOf(RoleSpec role, AccessRequest request) {
    Optional<Duration> asked = request.duration();
    Duration duration = asked.isPresent() ? asked.get() : catalog.durationFor(role);
    return new TaskKey(role.key(), request.reason().strip(), request.actions(), request.resources(), duration);
  }

  /** Whether {@code role} was a temporary grant that has ended (such a role is refused by {@link #check}). */
  boolean ended(RoleSpec role) {
    return role.notAfter() != null && !clock.instant().isBefore(role.notAfter());
  }

  /**
   * The request with each wildcard of its intent replaced by exactly the actions AWS has that it matches
   * ({@code s3:*Object} becomes {@code s3:GetObject}, {@code s3:PutObject}, ...), so that the role check, the
   * human, the session policy and the guard all see the same literal actions, frozen at request time (the
   * lease never grows with actions AWS adds later). {@code *} and {@code service:*} are refused.
   */
  private static AccessRequest withExpandedIntent(AccessRequest request) {
    if (request.actions().stream().noneMatch(Glob::hasWildcard)) {
      return request;
    }
    AgentText.requireInertIntent(request.actions(), request.resources());
    Set<String> expanded = new LinkedHashSet<>();
    for (String action : request.actions()) {
      if (!Glob.hasWildcard(action)) {
        expanded.add(action);
        continue;
      }
      if (action.equals("*") || action.endsWith(":*")) {
        throw new InvalidRequestException("Intent action '" + action + "' is every action of " + (action.equals("*")
            ? "every service" : "a service") + "; declare the actions the task needs, such as s3:PutObject, or a "
            + "narrower pattern such as s3:Get*.");
      }
      List<String> matched = IamActions.expand(action);
      if (matched.isEmpty()) {
        throw new UnknownActionException("Intent action " + ServiceAuthorization.unknownActionProblem(action)
            + ". Correct the intent; nothing was asked of a human.", action, IamActions.suggestions(action));
      }
      expanded.addAll(matched);
    }
    return request.toBuilder().intent(List.copyOf(expanded)).build();
  }

  /**
   * Checks the intent against the role's catalog permissions and renders it as a session policy.
   *
   * @throws OutOfScopeException naming the roles that would allow the intent, or saying none does
   */
  private Optional<String> sessionPolicy(RoleSpec role, AccessRequest request) {
    if (!request.hasIntent()) {
      return Optional.empty();
    }
    List<String> actions = request.actions();
    List<String> resources = request.resources();
    AgentText.requireInertIntent(actions, resources);
    for (String action : actions) {
      String unknown = ServiceAuthorization.unknownActionProblem(action);
      if (unknown != null) {
        throw new UnknownActionException("Intent action " + unknown + ". Correct the intent; nothing was asked of a "
            + "human.", action, IamActions.suggestions(action));
      }
    }
    if (!role.allowsIntent(actions, resources)) {
      List<String> allowing = catalog.rolesAllowing(actions, resources);
      String what = String.join(", ", actions) + (resources.isEmpty() ? "" : " on " + String.join(", ", resources));
      throw new OutOfScopeException("Role '" + role.key() + "' does not allow " + what + ". "
          + (allowing.isEmpty()
              ? "No role in the catalog allows it: add a new role for this task; do not widen this one."
              : "Ask for " + (allowing.size() == 1 ? "role " : "one of the roles ") + String.join(", ", allowing)
                  + " instead; do not ask to widen this one."),
          allowing);
    }
    return Optional.of(SessionPolicies.forIntent(role, actions, resources).json());
  }

  private Duration durationFor(RoleSpec role, AccessRequest request) {
    Duration max = catalog.durationFor(role);
    Duration asked = request.duration().orElse(max);
    if (asked.compareTo(RoleCatalog.MIN_DURATION) < 0 || asked.compareTo(max) > 0) {
      throw new InvalidRequestException("A lease on role '" + role.key() + "' lasts between "
          + Durations.human(RoleCatalog.MIN_DURATION) + " and " + Durations.human(max) + "; " + Durations.human(asked)
          + " was asked. Ask for " + Durations.human(max) + " or less.");
    }
    return asked;
  }

  private static void checkIntentIfRequired(RoleSpec role, AccessRequest request) {
    if (role.requireIntent() && !request.hasIntent()) {
      String example = role.permissions().stream().flatMap(st -> st.actions().stream())
          .filter(a -> !Glob.hasWildcard(a)).findFirst().orElse("service:Action");
      throw new InvalidRequestException("Role '" + role.key() + "' requires an intent: declare the IAM actions (and, "
          + "where you can, the resources) the task needs, e.g. AccessRequest.of(\"" + role.key() + "\", reason, \""
          + example + "\"). Nobody was asked.");
    }
  }

  private void checkNotExpired(RoleSpec role) {
    if (ended(role)) {
      throw new InvalidRequestException("Role '" + role.key() + "' was a temporary grant that ended at "
          + role.notAfter() + "; it can no longer be assumed. Ask the catalog owner for a new grant.");
    }
  }
}
