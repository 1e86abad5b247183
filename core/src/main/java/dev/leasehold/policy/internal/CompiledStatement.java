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
 *
 * <p>Resources are matched as {@link ArnPattern}s. Policy variables (when the statement's document is of
 * version {@code 2012-10-17}; older documents take them literally, as IAM does) are resolved from the
 * request: a {@code Resource} or {@code NotResource} pattern whose variable has no value matches no
 * resource, and a condition value whose variable has no value equals and is like nothing (AWS, "Policy
 * variables with no value"). AWS also writes that a variable it cannot resolve "might cause the entire
 * statement to be invalid"; the stricter of the two readings is taken for each effect: an {@code Allow}
 * statement with a variable that has no value (and no default) never applies, while a {@code Deny}
 * statement applies wherever the element rules make it apply. A variable before the fifth colon of a
 * resource ARN (where AWS does not allow one) or broken variable syntax makes its pattern UNKNOWN.
 */
public final class CompiledStatement {
  private final Effect effect;
  private final Glob[] actions;
  private final boolean notAction;
  private final Resource[] resources;
  private final boolean notResource;
  private final Template[] templates;
  private final PrincipalMatcher principal;
  private final boolean notPrincipal;
  private final CompiledCondition[] conditions;

  private CompiledStatement(Statement s, boolean variables) {
    this.effect = s.effect();
    this.notAction = s.actions().isEmpty();
    this.actions = globs(notAction ? s.notActions() : s.actions(), true);
    this.notResource = !s.notResources().isEmpty();
    this.resources = s.resources().isEmpty() && !notResource ? null
        : (notResource ? s.notResources() : s.resources()).stream().map(r -> new Resource(r, variables))
            .toArray(Resource[]::new);
    this.notPrincipal = s.notPrincipal() != null;
    Principal p = notPrincipal ? s.notPrincipal() : s.principal();
    this.principal = p == null ? null : new PrincipalMatcher(p);
    this.conditions = s.conditions().stream().map(c -> CompiledCondition.compile(c, variables))
        .toArray(CompiledCondition[]::new);
    List<Template> all = new ArrayList<>();
    if (resources != null) {
      for (Resource r : resources) {
        if (r.template != null) {
          all.add(r.template);
        }
      }
    }
    for (CompiledCondition c : conditions) {
      all.addAll(c.templates());
    }
    this.templates = all.toArray(Template[]::new);
  }

  /** Compiles a statement of a {@code 2012-10-17} document (policy variables are resolved). */
  public static CompiledStatement compile(Statement statement) {
    return new CompiledStatement(statement, true);
  }

  /**
   * Compiles a statement; {@code variables} false for a document of an older policy language version, whose
   * {@code ${...}} IAM takes as literal text.
   */
  public static CompiledStatement compile(Statement statement, boolean variables) {
    return new CompiledStatement(statement, variables);
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
    for (Resource r : resources) {
      out.add(r.raw);
    }
    return out;
  }

  /** Whether this statement applies to the request: action, resource, principal and every condition. */
  public Tri applies(EvaluationRequest request) {
    if (!matchesAction(request.action())) {
      return Tri.FALSE;
    }
    Tri result = Tri.TRUE;
    if (resources != null) {
      Tri r = Tri.FALSE;
      for (int i = 0; i < resources.length && r != Tri.TRUE; i++) {
        r = Tri.or(r, resources[i].matches(request));
      }
      result = notResource ? Tri.not(r) : r;
      if (result == Tri.FALSE) {
        return Tri.FALSE;
      }
    }
    if (principal != null) {
      String who = request.principalArn();
      if (who == null || principal.matches(who) == notPrincipal) {
        return Tri.FALSE;
      }
    }
    for (CompiledCondition c : conditions) {
      Tri t = c.evaluate(request);
      if (t == Tri.FALSE) {
        return Tri.FALSE;
      }
      result = Tri.and(result, t);
    }
    if (effect == Effect.ALLOW) {
      for (Template t : templates) {
        if (!t.isResolvable(request)) {
          return Tri.FALSE;
        }
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
   * One pattern of a {@code Resource} or {@code NotResource} element: fixed, or a template resolved per
   * request.
   */
  private static final class Resource {
    final String raw;
    final ArnPattern fixed;
    final Template template;
    final boolean malformed;

    Resource(String raw, boolean variables) {
      this.raw = raw;
      if (variables && Template.hasVariableSyntax(raw)) {
        Template t = Template.parse(raw);
        this.template = t;
        this.fixed = null;
        this.malformed = t.isMalformed() || beforeFifthColon(raw, t.firstVariableIndex());
      } else {
        this.template = null;
        this.fixed = ArnPattern.of(raw);
        this.malformed = false;
      }
    }

    /** AWS allows variables only in the resource part of an ARN, after the fifth colon. */
    private static boolean beforeFifthColon(String raw, int variable) {
      if (!raw.startsWith("arn:")) {
        return false;
      }
      int colons = 0;
      for (int i = 0; i < variable; i++) {
        if (raw.charAt(i) == ':') {
          colons++;
        }
      }
      return colons < 5;
    }

    Tri matches(EvaluationRequest request) {
      if (fixed != null) {
        return fixed.matches(request.resource());
      }
      if (malformed) {
        return Tri.UNKNOWN;
      }
      Template.Resolved r = template.resolve(request);
      if (r == null) {
        return Tri.FALSE; // a pattern whose variable has no value matches no resource
      }
      Tri strict = ArnPattern.of(r.text(), r.strict()).matches(request.resource());
      if (!r.ambiguous()) {
        return strict;
      }
      Tri loose = ArnPattern.of(r.text(), r.loose()).matches(request.resource());
      return strict == loose ? strict : Tri.UNKNOWN;
    }
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
