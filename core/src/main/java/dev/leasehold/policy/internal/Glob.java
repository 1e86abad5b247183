package dev.leasehold.policy.internal;

import java.util.BitSet;

/**
 * An IAM wildcard pattern ({@code *} any run of characters, {@code ?} one character), compiled once and
 * matched without regular expressions or allocation. Case-insensitive patterns are lower-cased at compile
 * time. Not part of Leasehold's API.
 *
 * <p>A pattern may mark some of its {@code *} and {@code ?} characters as literal: those came from the
 * policy variables {@code ${*}} and {@code ${?}} (or from a variable's value) and match only themselves.
 */
public final class Glob {
  private final String pattern;
  private final BitSet literal;
  private final boolean ignoreCase;
  private final boolean matchesAll;
  private final boolean plain;

  private Glob(String pattern, BitSet literal, boolean ignoreCase) {
    this.ignoreCase = ignoreCase;
    this.pattern = ignoreCase ? pattern.toLowerCase(java.util.Locale.ROOT) : pattern;
    this.literal = literal == null || literal.isEmpty() ? null : (BitSet) literal.clone();
    boolean all = !pattern.isEmpty();
    boolean wild = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      boolean w = (c == '*' || c == '?') && !isLiteral(this.literal, i);
      wild |= w;
      all &= c == '*' && w;
    }
    this.matchesAll = all;
    this.plain = !wild;
  }

  /** Compiles a pattern whose every {@code *} and {@code ?} is a wildcard. */
  public static Glob of(String pattern, boolean ignoreCase) {
    return new Glob(pattern, null, ignoreCase);
  }

  /** Compiles a pattern whose {@code *} and {@code ?} at the positions in {@code literal} match only themselves. */
  public static Glob of(String pattern, BitSet literal, boolean ignoreCase) {
    return new Glob(pattern, literal, ignoreCase);
  }

  /** Whether the pattern has a wildcard. */
  public static boolean hasWildcard(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
  }

  /** The pattern as compiled (lower-cased when case-insensitive). */
  public String pattern() {
    return pattern;
  }

  /** Whether the pattern matches every text. */
  boolean matchesAll() {
    return matchesAll;
  }

  /** Whether the pattern has no wildcard: it matches only the text equal to it. */
  boolean isPlain() {
    return plain;
  }

  /** Whether {@code text} matches. */
  public boolean matches(String text) {
    return matches(text, 0, text.length());
  }

  /** Whether {@code text[from, to)} matches. */
  public boolean matches(String text, int from, int to) {
    if (matchesAll) {
      return true;
    }
    if (plain) {
      return to - from == pattern.length() && text.regionMatches(ignoreCase, from, pattern, 0, pattern.length());
    }
    return match(pattern, literal, 0, pattern.length(), text, from, to, ignoreCase);
  }

  /**
   * Whether {@code pattern[pFrom, pTo)} matches {@code text[tFrom, tTo)}, every unmarked {@code *} and
   * {@code ?} a wildcard over any characters. One-star backtracking: linear in practice, no allocation.
   */
  static boolean match(String pattern, BitSet literal, int pFrom, int pTo, String text, int tFrom, int tTo,
      boolean ignoreCase) {
    int p = pFrom;
    int t = tFrom;
    int star = -1;
    int mark = tFrom;
    while (t < tTo) {
      if (p < pTo && isStar(pattern, literal, p)) {
        star = p++;
        mark = t;
      } else if (p < pTo && (isQuestion(pattern, literal, p) || same(pattern.charAt(p), text.charAt(t), ignoreCase))) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pTo && isStar(pattern, literal, p)) {
      p++;
    }
    return p == pTo;
  }

  static boolean isStar(String pattern, BitSet literal, int i) {
    return pattern.charAt(i) == '*' && !isLiteral(literal, i);
  }

  static boolean isQuestion(String pattern, BitSet literal, int i) {
    return pattern.charAt(i) == '?' && !isLiteral(literal, i);
  }

  private static boolean isLiteral(BitSet literal, int i) {
    return literal != null && literal.get(i);
  }

  private static boolean same(char patternChar, char textChar, boolean ignoreCase) {
    return patternChar == textChar
        || (ignoreCase && Character.toLowerCase(patternChar) == Character.toLowerCase(textChar));
  }

  @Override
  public String toString() {
    return pattern;
  }
}
