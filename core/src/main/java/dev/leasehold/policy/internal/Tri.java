package dev.leasehold.policy.internal;

/** Three-valued logic for evaluation: a test holds, does not, or cannot be decided. Not part of Leasehold's API. */
public enum Tri {
  TRUE, FALSE, UNKNOWN;

  /** TRUE or FALSE. */
  public static Tri of(boolean b) {
    return b ? TRUE : FALSE;
  }
}
