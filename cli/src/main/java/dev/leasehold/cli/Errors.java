package dev.leasehold.cli;

import dev.leasehold.LeaseholdException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** One-line descriptions of failures for standard error. No stack traces: Leasehold's messages say what to do. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
    if (e instanceof LeaseholdException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof CliException) {
      return e.getMessage();
    }
    if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
      return aws.awsErrorDetails().serviceName() + " refused the call: " + aws.awsErrorDetails().errorCode() + ": "
          + aws.awsErrorDetails().errorMessage();
    }
    if (e instanceof SdkClientException) {
      return "could not reach AWS: " + e.getMessage();
    }
    if (e instanceof UncheckedIOException io) {
      return io.getCause().getMessage() != null ? "I/O error: " + io.getCause().getMessage() : io.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
