package dev.leasehold.policy.internal;

import dev.leasehold.policy.EvaluationRequest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A policy string that may hold IAM policy variables ("IAM policy elements: Variables and tags"), parsed
 * once and resolved against each request. Not part of Leasehold's API.
 *
 * <ul>
 *   <li>{@code ${key}} is replaced by the request's value of the context key {@code key} (any case). A key
 *       that is absent, has no value, an empty value or several values (a multivalued key cannot be a
 *       variable) has no value: the variable is <em>unresolved</em>.
 *   <li>{@code ${key, 'default'}} uses {@code default} when the key has no value ({@code ''} in the default
 *       stands for one quote).
 *   <li>{@code ${*}}, {@code ${?}} and {@code ${$}} are a literal {@code *}, {@code ?} and {@code $}: they
 *       never act as wildcards.
 *   <li>A {@code ${} without a closing brace, an empty or blank key, a key with spaces, or a default that is
 *       not one quoted string is <em>malformed</em>; the caller answers UNKNOWN for it.
 * </ul>
 *
 * <p>AWS does not document whether a {@code *} or {@code ?} inside a substituted value acts as a wildcard.
 * {@link Resolved} therefore carries two readings: {@link Resolved#strict()} marks every substituted
 * character literal, {@link Resolved#loose()} only the escapes; a matcher that gets different answers from
 * the two must answer UNKNOWN.
 */
public final class Template {
  private static final int TEXT = 0;
  private static final int ESCAPE = 1;
  private static final int VARIABLE = 2;

  private record Part(int kind, String text, String key, String fallback) {}

  private final String raw;
  private final Part[] parts;
  private final boolean malformed;
  private final boolean variables;

  private Template(String raw) {
    this.raw = raw;
    List<Part> out = new ArrayList<>();
    boolean bad = false;
    int at = 0;
    while (at < raw.length()) {
      int open = raw.indexOf("${", at);
      if (open < 0) {
        out.add(new Part(TEXT, raw.substring(at), null, null));
        break;
      }
      if (open > at) {
        out.add(new Part(TEXT, raw.substring(at, open), null, null));
      }
      int close = closingBrace(raw, open + 2);
      if (close < 0) {
        bad = true;
        out.add(new Part(TEXT, raw.substring(open), null, null));
        break;
      }
      String inner = raw.substring(open + 2, close);
      if (inner.equals("*") || inner.equals("?") || inner.equals("$")) {
        out.add(new Part(ESCAPE, inner, null, null));
      } else {
        Part v = variable(inner);
        if (v == null) {
          bad = true;
          out.add(new Part(TEXT, raw.substring(open, close + 1), null, null));
        } else {
          out.add(v);
        }
      }
      at = close + 1;
    }
    this.parts = out.toArray(Part[]::new);
    this.malformed = bad;
    this.variables = out.stream().anyMatch(p -> p.kind == VARIABLE);
  }

  /** The index of the brace that closes a variable, skipping a quoted default; -1 when there is none. */
  private static int closingBrace(String raw, int from) {
    boolean quoted = false;
    for (int i = from; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\'') {
        if (quoted && i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
          i++; // a doubled quote inside the default
        } else {
          quoted = !quoted;
        }
      } else if (c == '}' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  /** Parses {@code raw}; never fails (see {@link #isMalformed()}). */
  public static Template parse(String raw) {
    return new Template(raw);
  }

  /** Whether {@code s} uses the variable syntax at all. */
  public static boolean hasVariableSyntax(String s) {
    return s.contains("${");
  }

  private static Part variable(String inner) {
    int comma = inner.indexOf(',');
    String key = (comma < 0 ? inner : inner.substring(0, comma)).strip();
    if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == '$' || c == '{' || c == '\'')) {
      return null;
    }
    if (comma < 0) {
      return new Part(VARIABLE, null, key, null);
    }
    String quoted = inner.substring(comma + 1).strip();
    if (quoted.length() < 2 || quoted.charAt(0) != '\'' || quoted.charAt(quoted.length() - 1) != '\'') {
      return null;
    }
    String body = quoted.substring(1, quoted.length() - 1);
    StringBuilder fallback = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\'') {
        if (i + 1 < body.length() && body.charAt(i + 1) == '\'') {
          i++;
        } else {
          return null;
        }
      }
      fallback.append(c);
    }
    return new Part(VARIABLE, null, key, fallback.toString());
  }

  /** The text as written in the policy. */
  public String raw() {
    return raw;
  }

  /** Whether the variable syntax is broken somewhere in the text. */
  public boolean isMalformed() {
    return malformed;
  }

  /** Whether the text holds at least one variable (escapes alone do not count). */
  public boolean hasVariables() {
    return variables;
  }

  /** The index in {@link #raw()} of the first {@code ${}, or -1. */
  public int firstVariableIndex() {
    return raw.indexOf("${");
  }

  /** Whether every variable has a value (or a default) in this request. */
  public boolean isResolvable(EvaluationRequest request) {
    for (Part p : parts) {
      if (p.kind == VARIABLE && p.fallback == null && value(request, p.key) == null) {
        return false;
      }
    }
    return true;
  }

  /** The text with every variable replaced, or null when a variable has no value and no default. */
  public Resolved resolve(EvaluationRequest request) {
    StringBuilder text = new StringBuilder(raw.length() + 16);
    BitSet strict = new BitSet();
    BitSet loose = new BitSet();
    boolean substitutedWildcard = false;
    for (Part p : parts) {
      switch (p.kind) {
        case TEXT -> text.append(p.text);
        case ESCAPE -> {
          strict.set(text.length());
          loose.set(text.length());
          text.append(p.text);
        }
        default -> {
          String v = value(request, p.key);
          if (v == null) {
            v = p.fallback;
          }
          if (v == null) {
            return null;
          }
          int from = text.length();
          text.append(v);
          strict.set(from, text.length());
          substitutedWildcard |= Glob.hasWildcard(v);
        }
      }
    }
    return new Resolved(text.toString(), strict, substitutedWildcard ? loose : strict);
  }

  private static String value(EvaluationRequest request, String key) {
    List<String> values = request.contextValues(key);
    if (values.size() != 1 || values.get(0).isEmpty()) {
      return null;
    }
    return values.get(0);
  }

  /**
   * A resolved text. {@code strict} marks the positions whose {@code *} / {@code ?} are literal when a
   * substituted value's wildcards count as plain characters, {@code loose} when they count as wildcards
   * (the same object when no substituted value held a wildcard character).
   */
  public record Resolved(String text, BitSet strict, BitSet loose) {
    /** Whether the two readings can differ. */
    public boolean ambiguous() {
      return strict != loose;
    }
  }

  @Override
  public String toString() {
    return raw;
  }
}
