package dev.leasehold.policy.internal;

import dev.leasehold.policy.Effect;
import dev.leasehold.policy.EvaluationRequest;
import dev.leasehold.policy.Principal;
import dev.leasehold.policy.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One statement compiled for evaluation: action patterns lower-cased into case-insensitive globs,
 * resource patterns into case-sensitive globs, principals into sets, conditions into
 * {@link CompiledCondition}s. Not part of Leasehold's API.
 *
 * <p>A statement without {@code Resource} or {@code NotResource} (a trust policy statement) matches any
 * resource; one without {@code Principal} or {@code NotPrincipal} (an identity policy statement) matches
 * any principal; one with a principal never matches a request whose principal is unknown.
 */
public final class CompiledStatement {
  private final Effect effect;
  private final Glob[] actions;
  private final boolean notAction;
  private final Glob[] resources;
  private final boolean notResource;
  private final PrincipalMatcher principal;
  private final boolean notPrincipal;
  private final CompiledCondition[] conditions;

  private CompiledStatement(Statement s) {
    this.effect = s.effect();
    this.notAction = s.actions().isEmpty();
    this.actions = globs(notAction ? s.notActions() : s.actions(), true);
    this.notResource = !s.notResources().isEmpty();
    this.resources = s.resources().isEmpty() && !notResource ? null
        : globs(notResource ? s.notResources() : s.resources(), false);
    this.notPrincipal = s.notPrincipal() != null;
    Principal p = notPrincipal ? s.notPrincipal() : s.principal();
    this.principal = p == null ? null : new PrincipalMatcher(p);
    this.conditions = s.conditions().stream().map(CompiledCondition::compile).toArray(CompiledCondition[]::new);
  }

  /** Compiles a statement. */
  public static CompiledStatement compile(Statement statement) {
    return new CompiledStatement(statement);
  }

  private static Glob[] globs(List<String> patterns, boolean ignoreCase) {
    return patterns.stream().map(p -> Glob.of(p, ignoreCase)).toArray(Glob[]::new);
  }

  /** Allow or deny. */
  public Effect effect() {
    return effect;
  }

  /** Whether the statement's action element (Action or NotAction) admits {@code action}. */
  public boolean matchesAction(String action) {
    return anyMatch(actions, action) != notAction;
  }

  /**
   * The resource patterns a positive {@code Resource} element names, {@code "*"} when the statement has no
   * resource element, and none for {@code NotResource}.
   */
  public List<String> resourcePatterns() {
    if (resources == null) {
      return List.of("*");
    }
    if (notResource) {
      return List.of();
    }
    List<String> out = new ArrayList<>(resources.length);
    for (Glob g : resources) {
      out.add(g.pattern());
    }
    return out;
  }

  /** Whether this statement applies to the request: action, resource, principal and every condition. */
  public Tri applies(EvaluationRequest request) {
    if (!matchesAction(request.action())) {
      return Tri.FALSE;
    }
    if (resources != null && anyMatch(resources, request.resource()) == notResource) {
      return Tri.FALSE;
    }
    if (principal != null) {
      String who = request.principalArn();
      if (who == null || principal.matches(who) == notPrincipal) {
        return Tri.FALSE;
      }
    }
    Tri result = Tri.TRUE;
    for (CompiledCondition c : conditions) {
      Tri t = c.evaluate(request);
      if (t == Tri.FALSE) {
        return Tri.FALSE;
      }
      if (t == Tri.UNKNOWN) {
        result = Tri.UNKNOWN;
      }
    }
    return result;
  }

  private static boolean anyMatch(Glob[] globs, String text) {
    for (Glob g : globs) {
      if (g.matches(text)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Matches a caller against a {@code Principal}: {@code "*"} or {@code {"AWS": "*"}} admits anyone; an
   * account id or an account's {@code :root} ARN admits every principal of that account; any other value
   * must equal the caller's ARN (or service name) exactly.
   */
  private static final class PrincipalMatcher {
    private final boolean anyone;
    private final String[] exact;
    private final String[] accounts;

    PrincipalMatcher(Principal p) {
      List<String> exactValues = new ArrayList<>();
      List<String> accountValues = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : p.values().entrySet()) {
        for (String v : e.getValue()) {
          if (e.getKey().equals("AWS") && v.matches("\\d{12}")) {
            accountValues.add(v);
          } else if (e.getKey().equals("AWS") && v.matches("arn:[a-z-]+:iam::\\d{12}:root")) {
            accountValues.add(v.substring(v.indexOf("::") + 2, v.indexOf("::") + 14));
          } else {
            exactValues.add(v);
          }
        }
      }
      this.anyone = p.admitsAnyone();
      this.exact = exactValues.toArray(String[]::new);
      this.accounts = accountValues.toArray(String[]::new);
    }

    boolean matches(String caller) {
      if (anyone) {
        return true;
      }
      for (String e : exact) {
        if (e.equals(caller)) {
          return true;
        }
      }
      if (accounts.length > 0 && caller.startsWith("arn:")) {
        int start = nthColon(caller, 4);
        int end = start < 0 ? -1 : caller.indexOf(':', start + 1);
        if (end == start + 13) {
          for (String a : accounts) {
            if (caller.regionMatches(start + 1, a, 0, 12)) {
              return true;
            }
          }
        }
      }
      return false;
    }

    private static int nthColon(String s, int n) {
      int at = -1;
      for (int i = 0; i < n; i++) {
        at = s.indexOf(':', at + 1);
        if (at < 0) {
          return -1;
        }
      }
      return at;
    }
  }
}
