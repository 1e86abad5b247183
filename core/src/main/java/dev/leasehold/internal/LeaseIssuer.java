package dev.leasehold.internal;

import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.RetrySettings;
import dev.leasehold.approval.MfaCode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Calls STS {@code AssumeRole} for an approved request, retrying only throttling, 5xx and I/O failures
 * with bounded exponential backoff and jitter (the STS client's own retries are off, so this is the one
 * layer that decides). The request object carries the MFA code and is never logged or printed.
 */
public final class LeaseIssuer {
  private final StsClient sts;
  private final RetryConfig retryConfig;
  private final Duration deadline;

  /** What to assume and how; built per approved request. */
  public record Spec(String roleKey, String roleArn, String sessionName, Duration duration, String mfaSerial,
      Optional<MfaCode> code, String sourceIdentity, Map<String, String> tags, Optional<String> policy,
      Optional<String> externalId) {
    @Override
    public String toString() {
      return "LeaseIssuer.Spec[role=" + roleKey + ", session=" + sessionName + "]";
    }
  }

  /** The issued lease. The credentials never leave Leasehold's session objects. */
  public record Lease(AwsSessionCredentials credentials, Instant expiration, String assumedRoleArn) {
    @Override
    public String toString() {
      return "Lease[assumedRole=" + assumedRoleArn + ", expiration=" + expiration + "]";
    }
  }

  public LeaseIssuer(StsClient sts, RetrySettings settings) {
    this.sts = sts;
    this.deadline = settings.deadline();
    this.retryConfig = RetryConfig.custom()
        .maxAttempts(settings.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
            settings.initialBackoff(), 2.0, 0.5, settings.maxBackoff()))
        .retryOnException(StsFailures::retriable)
        .failAfterMaxAttempts(false)
        .build();
  }

  /**
   * Assumes the role.
   *
   * @throws AssumeRoleFailedException with the failure's category once retries are exhausted or the
   *     failure is not retriable
   */
  public Lease assume(Spec spec) {
    AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
        .roleArn(spec.roleArn())
        .roleSessionName(spec.sessionName())
        .durationSeconds((int) spec.duration().toSeconds())
        .sourceIdentity(spec.sourceIdentity());
    List<Tag> tags = new ArrayList<>();
    spec.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
    request.tags(tags);
    spec.code().ifPresent(code -> request.serialNumber(spec.mfaSerial()).tokenCode(code.reveal()));
    spec.policy().ifPresent(request::policy);
    spec.externalId().ifPresent(request::externalId);
    AssumeRoleRequest built = request.build();

    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    AtomicInteger attempts = new AtomicInteger();
    AtomicReference<Throwable> uncertain = new AtomicReference<>();
    Retry retry = Retry.of("assume-role-" + spec.roleKey(), retryConfig);
    try {
      AssumeRoleResponse response = Retry.decorateSupplier(retry, () -> {
        if (attempts.get() > 0 && System.nanoTime() > deadlineNanos) {
          throw new DeadlineExceeded(uncertain.get());
        }
        attempts.incrementAndGet();
        try {
          return sts.assumeRole(built);
        } catch (RuntimeException e) {
          if (StsFailures.retriable(e) && !StsFailures.categorize(e).equals(AssumeRoleFailedException.Category.THROTTLED)) {
            uncertain.compareAndSet(null, e);
          }
          throw e;
        }
      }).get();
      Credentials c = response.credentials();
      if (c == null || c.accessKeyId() == null || c.secretAccessKey() == null || c.sessionToken() == null
          || c.expiration() == null) {
        // STS answered 200, so the MFA code is spent: not retried. Nothing of the response is quoted.
        throw new AssumeRoleFailedException(AssumeRoleFailedException.Category.UNAVAILABLE, spec.roleKey(),
            "AssumeRole for role '" + spec.roleKey() + "' returned a response without complete credentials ("
                + (c == null ? "no Credentials" : "missing " + missing(c)) + ") after " + attempts.get()
                + (attempts.get() == 1 ? " attempt" : " attempts") + "; no lease was issued. "
                + StsFailures.advice(AssumeRoleFailedException.Category.UNAVAILABLE), null);
      }
      return new Lease(
          AwsSessionCredentials.builder().accessKeyId(c.accessKeyId()).secretAccessKey(c.secretAccessKey())
              .sessionToken(c.sessionToken()).expirationTime(c.expiration()).build(),
          c.expiration(),
          response.assumedRoleUser() == null ? spec.roleArn() : response.assumedRoleUser().arn());
    } catch (AssumeRoleFailedException e) {
      throw e;
    } catch (DeadlineExceeded e) {
      Throwable last = e.getCause() != null ? e.getCause() : e;
      throw new AssumeRoleFailedException(AssumeRoleFailedException.Category.UNAVAILABLE, spec.roleKey(),
          "AssumeRole for role '" + spec.roleKey() + "' did not succeed within the " + deadline.toSeconds()
              + " s deadline (" + attempts.get() + " attempts; last: " + StsFailures.serviceMessage(last) + "). "
              + StsFailures.advice(AssumeRoleFailedException.Category.UNAVAILABLE), last);
    } catch (RuntimeException e) {
      Throwable earlier = uncertain.get() == e ? null : uncertain.get();
      throw StsFailures.failure(spec.roleKey(), e, attempts.get(), earlier);
    }
  }

  private static String missing(Credentials c) {
    List<String> missing = new ArrayList<>();
    if (c.accessKeyId() == null) {
      missing.add("AccessKeyId");
    }
    if (c.secretAccessKey() == null) {
      missing.add("SecretAccessKey");
    }
    if (c.sessionToken() == null) {
      missing.add("SessionToken");
    }
    if (c.expiration() == null) {
      missing.add("Expiration");
    }
    return String.join(", ", missing);
  }

  /** Thrown inside the retry loop when the overall deadline has passed; never retried. */
  private static final class DeadlineExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(Throwable last) {
      super("deadline exceeded", last, false, false);
    }
  }
}
