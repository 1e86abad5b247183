package dev.leasehold.policy;

import dev.leasehold.LeaseholdException;

/**
 * A policy larger than AWS accepts for its kind (see {@link PolicyKind}). Raised before anything is sent,
 * so the request fails here with advice instead of at STS or IAM with {@code PackedPolicyTooLarge} or
 * {@code LimitExceeded}.
 */
public final class PolicyTooLargeException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  private final PolicyKind kind;
  private final int size;

  PolicyTooLargeException(PolicyKind kind, int size, String message) {
    super(message);
    this.kind = kind;
    this.size = size;
  }

  /** The kind of policy that was too large. */
  public PolicyKind kind() {
    return kind;
  }

  /** Its size in non-whitespace characters. */
  public int size() {
    return size;
  }
}
