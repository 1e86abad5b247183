package dev.leasehold.policy;

import dev.leasehold.policy.internal.CompiledStatement;
import dev.leasehold.policy.internal.Tri;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates requests against policy statements locally, with IAM's order: any matching {@code Deny}
 * gives {@link EvaluationResult#EXPLICIT_DENY}; otherwise any matching {@code Allow} gives
 * {@link EvaluationResult#ALLOW}; otherwise {@link EvaluationResult#IMPLICIT_DENY}.
 *
 * <p>Matching: actions case-insensitively with {@code *} and {@code ?} (service prefix included);
 * resources case-sensitively with {@code *} and {@code ?} within the colon-separated segments of an ARN,
 * as IAM matches them; {@code NotAction}, {@code NotResource} and {@code NotPrincipal} invert their
 * element; {@code Principal} for trust policies. Conditions: the {@code String*}, {@code Bool},
 * {@code Numeric*}, {@code Date*} (ISO-8601 or epoch seconds), {@code Arn*}, {@code IpAddress}/{@code
 * NotIpAddress} (IPv4 and IPv6 CIDR) and {@code Null} operators, with {@code IfExists},
 * {@code ForAnyValue:} and {@code ForAllValues:} (on a missing key {@code ForAnyValue} is false and
 * {@code ForAllValues} true, {@code IfExists} or not). Operator names are matched case-insensitively.
 *
 * <p>Policy variables ({@code ${aws:username}}, {@code ${aws:PrincipalTag/team}}, {@code ${s3:prefix}},
 * {@code ${key, 'default'}}, and the escapes {@code ${*}}, {@code ${?}}, {@code ${$}}) in {@code Resource},
 * {@code NotResource} and string and ARN condition values are resolved from the request's context. A
 * variable without a value never matches literally: its pattern matches no resource and its condition value
 * equals nothing, and an {@code Allow} statement holding one does not apply at all.
 *
 * <p>When a statement that could change the answer holds something the evaluator cannot decide (an
 * unknown operator, broken variable syntax, an ARN pattern that IAM's documented readings match
 * differently), the answer is {@link EvaluationResult#UNKNOWN}, which callers must treat as a denial. A
 * definite explicit deny still wins over it, and it never turns into an allow. The evaluator is never
 * more permissive than IAM's documented rules for the request it is given: a context key the request does
 * not carry is taken to be absent.
 *
 * <p>Statements are compiled once when the evaluator is created (lower-cased action patterns, wildcard
 * matchers without regular expressions, parsed condition values), so {@link #evaluate} allocates little:
 * what parsing the request's own condition values needs, the substituted text of patterns that hold policy
 * variables, and one row pair for a resource pattern with a wildcard inside an ARN segment. Immutable and
 * thread-safe.
 */
public final class PolicyEvaluator {
  private final CompiledStatement[] statements;

  private PolicyEvaluator(CompiledStatement[] statements) {
    this.statements = statements;
  }

  /**
   * An evaluator of all statements of these documents together (as IAM combines identity policies). Policy
   * variables are resolved in documents of version {@value PolicyDocument#VERSION}; in a document of an
   * older version (or none), IAM takes {@code ${...}} as literal text, and so does the evaluator.
   */
  public static PolicyEvaluator of(PolicyDocument... documents) {
    List<CompiledStatement> all = new ArrayList<>();
    for (PolicyDocument d : documents) {
      boolean variables = PolicyDocument.VERSION.equals(d.version());
      d.statements().forEach(s -> all.add(CompiledStatement.compile(s, variables)));
    }
    return new PolicyEvaluator(all.toArray(CompiledStatement[]::new));
  }

  /** An evaluator of these statements, read as statements of a {@value PolicyDocument#VERSION} document. */
  public static PolicyEvaluator of(List<Statement> statements) {
    return new PolicyEvaluator(statements.stream().map(CompiledStatement::compile).toArray(CompiledStatement[]::new));
  }

  /** Evaluates one request. */
  public EvaluationResult evaluate(EvaluationRequest request) {
    boolean allow = false;
    boolean unknownAllow = false;
    boolean unknownDeny = false;
    for (CompiledStatement s : statements) {
      Tri applies = s.applies(request);
      if (applies == Tri.FALSE) {
        continue;
      }
      if (s.effect() == Effect.DENY) {
        if (applies == Tri.TRUE) {
          return EvaluationResult.EXPLICIT_DENY;
        }
        unknownDeny = true;
      } else if (applies == Tri.TRUE) {
        allow = true;
      } else {
        unknownAllow = true;
      }
    }
    if (unknownDeny) {
      return EvaluationResult.UNKNOWN;
    }
    if (allow) {
      return EvaluationResult.ALLOW;
    }
    return unknownAllow ? EvaluationResult.UNKNOWN : EvaluationResult.IMPLICIT_DENY;
  }

  /** Evaluates {@code action} on {@code resource} without principal or condition context. */
  public EvaluationResult evaluate(String action, String resource) {
    return evaluate(EvaluationRequest.of(action, resource));
  }

  /**
   * Whether {@code action} is allowed on at least one resource, without condition context: each resource
   * pattern of an {@code Allow} statement that names the action is evaluated as a resource in its own
   * right, so a deny on all of them (or on {@code *}) still wins. Allow statements that use
   * {@code NotResource} are not considered (the answer errs towards denial). The best answer found is
   * returned: {@code ALLOW} over {@code UNKNOWN} over {@code EXPLICIT_DENY} over {@code IMPLICIT_DENY}.
   * Meant for validating an intent, not for the per-call hot path.
   */
  public EvaluationResult evaluateOnSomeResource(String action) {
    EvaluationResult best = EvaluationResult.IMPLICIT_DENY;
    for (String resource : allowedResourcePatterns(action)) {
      EvaluationResult r = evaluate(action, resource);
      if (rank(r) < rank(best)) {
        best = r;
      }
    }
    return best;
  }

  /**
   * The resource patterns, in statement order and without repeats, that {@code Allow} statements naming
   * {@code action} list in their {@code Resource} element ({@code "*"} for a statement without one). Deny
   * statements and conditions are not considered here.
   */
  public List<String> allowedResourcePatterns(String action) {
    java.util.LinkedHashSet<String> patterns = new java.util.LinkedHashSet<>();
    for (CompiledStatement s : statements) {
      if (s.effect() == Effect.ALLOW && s.matchesAction(action)) {
        patterns.addAll(s.resourcePatterns());
      }
    }
    return List.copyOf(patterns);
  }

  private static int rank(EvaluationResult r) {
    return switch (r) {
      case ALLOW -> 0;
      case UNKNOWN -> 1;
      case EXPLICIT_DENY -> 2;
      case IMPLICIT_DENY -> 3;
    };
  }
}
