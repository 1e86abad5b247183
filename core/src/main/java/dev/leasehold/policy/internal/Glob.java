package dev.leasehold.policy.internal;

/**
 * An IAM wildcard pattern ({@code *} any run of characters, {@code ?} one character), compiled once and
 * matched without regular expressions or allocation. Case-insensitive patterns are lower-cased at compile
 * time. Not part of Leasehold's API.
 */
public final class Glob {
  private final String pattern;
  private final boolean ignoreCase;
  private final boolean matchesAll;
  private final boolean literal;

  private Glob(String pattern, boolean ignoreCase) {
    this.ignoreCase = ignoreCase;
    this.pattern = ignoreCase ? pattern.toLowerCase(java.util.Locale.ROOT) : pattern;
    this.matchesAll = !pattern.isEmpty() && pattern.chars().allMatch(c -> c == '*');
    this.literal = pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
  }

  /** Compiles a pattern. */
  public static Glob of(String pattern, boolean ignoreCase) {
    return new Glob(pattern, ignoreCase);
  }

  /** Whether the pattern has a wildcard. */
  public static boolean hasWildcard(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
  }

  /** The pattern as compiled (lower-cased when case-insensitive). */
  public String pattern() {
    return pattern;
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
    if (literal) {
      return to - from == pattern.length() && text.regionMatches(ignoreCase, from, pattern, 0, pattern.length());
    }
    int p = 0;
    int t = from;
    int star = -1;
    int mark = from;
    int pl = pattern.length();
    while (t < to) {
      if (p < pl && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (p < pl && (pattern.charAt(p) == '?' || same(pattern.charAt(p), text.charAt(t)))) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pl && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pl;
  }

  private boolean same(char patternChar, char textChar) {
    return patternChar == textChar || (ignoreCase && patternChar == Character.toLowerCase(textChar));
  }

  @Override
  public String toString() {
    return pattern;
  }
}
