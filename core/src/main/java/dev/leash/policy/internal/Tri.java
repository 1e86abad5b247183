package dev.leash.policy.internal;

/** Three-valued logic for evaluation: a test holds, does not, or cannot be decided. Not part of Leash's API. */
public enum Tri {
  TRUE, FALSE, UNKNOWN;

  /** TRUE or FALSE. */
  public static Tri of(boolean b) {
    return b ? TRUE : FALSE;
  }
}
