package dev.leasehold.policy.internal;

import java.util.BitSet;

/**
 * A resource pattern of a {@code Resource} / {@code NotResource} element or an {@code Arn*} condition value,
 * matched the way IAM documents ARN matching. Not part of Leasehold's API.
 *
 * <p>AWS documents two rules that agree on ordinary ARNs and differ on unusual ones:
 * <ol>
 *   <li><b>segments</b> ("IAM JSON policy elements: Resource", using wildcards in resource ARNs): wildcards
 *       work within the colon-separated segments; a {@code *} that is the last character of a segment can
 *       expand across colons. So {@code ?} and a {@code *} inside a segment never match a colon.
 *   <li><b>six parts</b> ("Identify AWS resources with ARNs", and the {@code Arn*} condition operators: "each
 *       of the six colon-delimited components of the ARN is checked separately"): partition, service,
 *       region and account are matched each on its own; the resource part is everything after the fifth
 *       colon, colons included. A pattern of fewer than six parts is read with the missing parts as
 *       {@code *}.
 * </ol>
 * {@link #matches} answers {@link Tri#TRUE} or {@link Tri#FALSE} when both readings agree and
 * {@link Tri#UNKNOWN} when they do not (for example {@code arn:aws:s3:::b/*}{@code /x} against an object key
 * with a colon in the middle), so that neither an allow nor a deny is decided on a reading IAM may not share.
 * A pattern that is only {@code *} characters matches everything, ARN or not. The resource part is matched
 * case-sensitively (as AWS documents); a text that differs from the pattern only in the case of the partition,
 * service, region or account is UNKNOWN, since AWS does not document how those compare.
 */
public final class ArnPattern {
  private final String pattern;
  private final BitSet literal;
  private final boolean matchesAll;
  private final boolean plain;
  private final boolean arn;
  private final int colons;
  private final boolean onlyRunningStars;

  private ArnPattern(String pattern, BitSet literal) {
    Glob glob = Glob.of(pattern, literal, false);
    this.pattern = pattern;
    this.literal = literal == null || literal.isEmpty() ? null : (BitSet) literal.clone();
    this.matchesAll = glob.matchesAll();
    this.plain = glob.isPlain();
    this.arn = pattern.startsWith("arn:");
    int n = 0;
    for (int i = 0; i < pattern.length(); i++) {
      if (pattern.charAt(i) == ':') {
        n++;
      }
    }
    this.colons = n;
    boolean running = true;
    for (int i = 0; i < pattern.length() && running; i++) {
      if (Glob.isQuestion(pattern, this.literal, i)) {
        running = false;
      } else if (Glob.isStar(pattern, this.literal, i)) {
        running = i + 1 == pattern.length() || pattern.charAt(i + 1) == ':';
      }
    }
    this.onlyRunningStars = running;
  }

  /** A pattern whose every {@code *} and {@code ?} is a wildcard. */
  public static ArnPattern of(String pattern) {
    return new ArnPattern(pattern, null);
  }

  /** A pattern whose {@code *} and {@code ?} at the positions in {@code literal} match only themselves. */
  public static ArnPattern of(String pattern, BitSet literal) {
    return new ArnPattern(pattern, literal);
  }

  /** The pattern text. */
  public String pattern() {
    return pattern;
  }

  /** Whether {@code text} matches: TRUE or FALSE when both documented readings agree, else UNKNOWN. */
  public Tri matches(String text) {
    if (matchesAll) {
      return Tri.TRUE;
    }
    if (plain && (!arn || colons >= 5)) {
      if (pattern.equals(text)) {
        return Tri.TRUE;
      }
      if (!arn || !pattern.equalsIgnoreCase(text)) {
        return Tri.FALSE;
      }
    }
    boolean segments = bySegments(text);
    boolean parts = bySixParts(text, false);
    if (segments != parts) {
      return Tri.UNKNOWN;
    }
    if (!parts && arn && bySixParts(text, true)) {
      // differs only in the case of partition, service, region or account: AWS writes these in lower case
      // and does not say whether it compares them case-sensitively
      return Tri.UNKNOWN;
    }
    return Tri.of(parts);
  }

  /**
   * The segment reading: {@code ?} matches one character other than a colon; a {@code *} followed by a
   * colon or ending the pattern matches any run of characters, any other {@code *} a run without colons.
   * Dynamic programming over the text, two rows.
   */
  boolean bySegments(String text) {
    if (onlyRunningStars) {
      // every wildcard may cross colons: a plain glob, without allocation
      return Glob.match(pattern, literal, 0, pattern.length(), text, 0, text.length(), false);
    }
    int n = pattern.length();
    int m = text.length();
    boolean[] prev = new boolean[m + 1];
    boolean[] cur = new boolean[m + 1];
    prev[0] = true;
    for (int i = 0; i < n; i++) {
      char c = pattern.charAt(i);
      if (Glob.isStar(pattern, literal, i)) {
        boolean runsOn = i + 1 == n || pattern.charAt(i + 1) == ':';
        cur[0] = prev[0];
        for (int j = 1; j <= m; j++) {
          cur[j] = prev[j] || (cur[j - 1] && (runsOn || text.charAt(j - 1) != ':'));
        }
      } else {
        boolean any = Glob.isQuestion(pattern, literal, i);
        cur[0] = false;
        for (int j = 1; j <= m; j++) {
          char t = text.charAt(j - 1);
          cur[j] = prev[j - 1] && (any ? t != ':' : t == c);
        }
      }
      boolean[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[m];
  }

  /**
   * The six-part reading: partition, service, region and account each matched on its own, the resource
   * part (after the fifth colon) as a whole with wildcards over any character; missing trailing parts of a
   * short pattern are {@code *}. A pattern that is not an ARN is matched as a whole.
   */
  boolean bySixParts(String text, boolean headIgnoringCase) {
    if (!arn) {
      return Glob.match(pattern, literal, 0, pattern.length(), text, 0, text.length(), false);
    }
    int p = 0;
    int t = 0;
    for (int part = 0; part < 5; part++) {
      int tc = text.indexOf(':', t);
      if (tc < 0) {
        return false;
      }
      int pc = pattern.indexOf(':', p);
      if (pc < 0) {
        // a short pattern: this is its last part; the parts after it are '*'
        if (!Glob.match(pattern, literal, p, pattern.length(), text, t, tc, headIgnoringCase)) {
          return false;
        }
        return remainingColons(text, tc + 1) >= 4 - part;
      }
      if (!Glob.match(pattern, literal, p, pc, text, t, tc, headIgnoringCase)) {
        return false;
      }
      p = pc + 1;
      t = tc + 1;
    }
    return Glob.match(pattern, literal, p, pattern.length(), text, t, text.length(), false);
  }

  private static int remainingColons(String text, int from) {
    int n = 0;
    for (int i = from; i < text.length(); i++) {
      if (text.charAt(i) == ':') {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
