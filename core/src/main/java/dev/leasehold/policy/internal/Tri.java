package dev.leasehold.policy.internal;

/** Three-valued logic for evaluation: a test holds, does not, or cannot be decided. Not part of Leasehold's API. */
public enum Tri {
  TRUE, FALSE, UNKNOWN;

  /** TRUE or FALSE. */
  public static Tri of(boolean b) {
    return b ? TRUE : FALSE;
  }

  /** TRUE if either is TRUE, FALSE if both are FALSE, else UNKNOWN. */
  public static Tri or(Tri a, Tri b) {
    if (a == TRUE || b == TRUE) {
      return TRUE;
    }
    return a == FALSE && b == FALSE ? FALSE : UNKNOWN;
  }

  /** FALSE if either is FALSE, TRUE if both are TRUE, else UNKNOWN. */
  public static Tri and(Tri a, Tri b) {
    if (a == FALSE || b == FALSE) {
      return FALSE;
    }
    return a == TRUE && b == TRUE ? TRUE : UNKNOWN;
  }

  /** The negation; UNKNOWN stays UNKNOWN. */
  public static Tri not(Tri a) {
    return a == TRUE ? FALSE : a == FALSE ? TRUE : UNKNOWN;
  }
}
