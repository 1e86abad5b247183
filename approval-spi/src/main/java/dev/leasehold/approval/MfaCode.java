package dev.leasehold.approval;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * A one-time MFA code typed by the approver: exactly six ASCII digits.
 *
 * <p>The rule: the code is a secret for as long as it lives. {@link #toString()} prints
 * {@code MfaCode[******]}, error messages never repeat it, and the value comes out only through
 * {@link #reveal()}, which Leasehold calls once, when it builds the STS {@code AssumeRole} request.
 *
 * <p>Immutable and thread-safe.
 */
public final class MfaCode {
  private final String digits;

  private MfaCode(String digits) {
    this.digits = digits;
  }

  /**
   * Parses a code typed by a human.
   *
   * @param digits exactly six characters {@code 0-9}
   * @return the code
   * @throws IllegalArgumentException when the input is not six digits (the message does not repeat it)
   */
  public static MfaCode of(String digits) {
    if (!isWellFormed(digits)) {
      throw new IllegalArgumentException("An MFA code is exactly 6 digits (0-9); ask the approver to type it again");
    }
    return new MfaCode(digits);
  }

  /**
   * Whether {@code candidate} is six ASCII digits; lets a channel re-ask without catching exceptions.
   *
   * @param candidate what the human typed, may be null
   * @return true when {@link #of(String)} would accept it
   */
  public static boolean isWellFormed(CharSequence candidate) {
    if (candidate == null || candidate.length() != 6) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      char c = candidate.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The six digits. Call it only to hand the code to STS; never log or store the result. */
  public String reveal() {
    return digits;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MfaCode
        && MessageDigest.isEqual(
            digits.getBytes(StandardCharsets.US_ASCII),
            ((MfaCode) other).digits.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public int hashCode() {
    return MfaCode.class.hashCode();
  }

  @Override
  public String toString() {
    return "MfaCode[******]";
  }
}
