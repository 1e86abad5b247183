package dev.leasehold.policy;

import dev.leasehold.LeaseholdException;

/**
 * An intent that cannot be turned into a session policy.
 *
 * <p>The rule: an intent names literal IAM actions ({@code s3:PutObject}, never {@code s3:*} or
 * {@code s3:Put*}), because a wildcard would let a narrowed session grow with every new API the service
 * adds; and every action must be one the role allows somewhere.
 */
public final class InvalidIntentException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  InvalidIntentException(String message) {
    super(message);
  }
}
