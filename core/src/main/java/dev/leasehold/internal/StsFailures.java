package dev.leasehold.internal;

import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.AssumeRoleFailedException.Category;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.ExpiredTokenException;
import software.amazon.awssdk.services.sts.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.sts.model.PackedPolicyTooLargeException;
import software.amazon.awssdk.services.sts.model.RegionDisabledException;

/** Maps STS failures to {@link Category categories} and decides what may be retried. */
public final class StsFailures {
  private StsFailures() {}

  /** The category of an STS failure. */
  public static Category categorize(Throwable t) {
    if (t instanceof AwsServiceException) {
      AwsServiceException e = (AwsServiceException) t;
      String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
      String message = serviceMessage(e).toLowerCase(Locale.ROOT);
      if (t instanceof ExpiredTokenException || code.equals("ExpiredToken") || code.equals("ExpiredTokenException")) {
        return Category.EXPIRED_BASE_CREDENTIALS;
      }
      if (t instanceof RegionDisabledException || code.startsWith("RegionDisabled")) {
        return Category.REGION_DISABLED;
      }
      if (t instanceof PackedPolicyTooLargeException || code.startsWith("PackedPolicyTooLarge")) {
        return Category.POLICY_TOO_LARGE;
      }
      if (t instanceof MalformedPolicyDocumentException || code.startsWith("MalformedPolicyDocument")) {
        return Category.MALFORMED_POLICY;
      }
      if (code.equals("AccessDenied") || code.equals("AccessDeniedException")) {
        return message.contains("multifactorauthentication") || message.contains("mfa")
            ? Category.MFA_CODE_REJECTED : Category.ACCESS_DENIED;
      }
      if (e.isThrottlingException() || code.equals("Throttling") || code.equals("ThrottlingException")
          || code.equals("RequestLimitExceeded")) {
        return Category.THROTTLED;
      }
      if (e.statusCode() >= 500) {
        return Category.UNAVAILABLE;
      }
      if (code.equals("ValidationError") && message.contains("durationseconds")) {
        return Category.DURATION_TOO_LONG;
      }
      return Category.INVALID_REQUEST;
    }
    if (t instanceof SdkClientException) {
      return Category.UNAVAILABLE;
    }
    return Category.INVALID_REQUEST;
  }

  /** Whether an attempt that failed this way may be retried (it cannot have been decided by STS on its merits). */
  public static boolean retriable(Throwable t) {
    Category c = categorize(t);
    return c == Category.THROTTLED || c == Category.UNAVAILABLE;
  }

  /** STS's own explanation (never carries a secret), or the exception's class. */
  public static String serviceMessage(Throwable t) {
    if (t instanceof AwsServiceException && ((AwsServiceException) t).awsErrorDetails() != null
        && ((AwsServiceException) t).awsErrorDetails().errorMessage() != null) {
      AwsServiceException e = (AwsServiceException) t;
      return e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** What to do next, per category. */
  public static String advice(Category c) {
    switch (c) {
      case MFA_CODE_REJECTED: return "Ask for approval again and type a fresh code: a code is accepted only once.";
      case ACCESS_DENIED: return "The role's trust policy or the agent user's policy refused the assume; check the IAM setup with 'leasehold verify'.";
      case THROTTLED: return "STS kept throttling after bounded retries; slow down and try again later.";
      case DURATION_TOO_LONG: return "The lease is longer than the role's MaxSessionDuration; shorten the catalog duration.";
      case REGION_DISABLED: return "STS is not enabled in this region; enable it or use another region.";
      case MALFORMED_POLICY: return "STS rejected the generated session policy; narrow the intent.";
      case POLICY_TOO_LARGE: return "The session policy and tags pack too large; narrow the intent or split the task.";
      case EXPIRED_BASE_CREDENTIALS: return "The agent's base credentials have expired; renew the base identity.";
      case UNAVAILABLE: return "STS was unreachable, failing or too slow after bounded retries; try again later.";
      default: return "STS rejected the request; see its message.";
    }
  }

  /** Builds the typed exception for a final failure. */
  public static AssumeRoleFailedException failure(String roleKey, Throwable last, int attempts, Throwable earlierUncertain) {
    Category c = categorize(last);
    StringBuilder msg = new StringBuilder("AssumeRole for role '").append(roleKey).append("' failed (")
        .append(c).append(") after ").append(attempts).append(attempts == 1 ? " attempt: " : " attempts: ")
        .append(serviceMessage(last)).append(". ").append(advice(c));
    if (c == Category.MFA_CODE_REJECTED && earlierUncertain != null) {
      msg.append(" The code was probably used up by an earlier attempt that may have reached STS (")
          .append(serviceMessage(earlierUncertain)).append(").");
    }
    return new AssumeRoleFailedException(c, roleKey, msg.toString(), last);
  }
}
