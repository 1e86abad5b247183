package dev.leasehold.testing;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A scripted {@link ApprovalChannel} for tests: it answers with the decisions you script, in order, and
 * records every request it was asked about.
 *
 * <pre>{@code
 * FakeApprover approver = FakeApprover.scripted()
 *     .approve("123456")
 *     .deny("not during the freeze")
 *     .expire()
 *     .build();
 * // ... run the code under test ...
 * assertThat(approver.requests()).hasSize(3);
 * }</pre>
 *
 * <p>The rule it keeps: it never decides anything you did not script. When the script runs out it throws
 * {@link IllegalStateException} rather than approving. {@link #approving(String)} is the one shortcut
 * that approves every request. An approval carries the scripted code only when the request
 * {@linkplain ApprovalRequest#requiresMfa() requires MFA}. With a {@linkplain Builder#latency(Duration)
 * latency}, a decision that would arrive after the request's deadline becomes {@link Decision.Expired},
 * as a real channel's would.
 *
 * <p>It is not registered with {@link java.util.ServiceLoader}: production code cannot load it by name.
 * Thread-safe: concurrent {@code decide} calls take scripted steps in the order they arrive.
 */
public final class FakeApprover implements ApprovalChannel {

  private enum Kind { APPROVE, DENY, EXPIRE }

  private record Step(Kind kind, String value) {}

  private final Deque<Step> script;
  private final Step repeat;
  private final String approver;
  private final Duration latency;
  private final Clock clock;
  private final List<ApprovalRequest> requests = new ArrayList<>();
  private final List<Decision> decisions = new ArrayList<>();
  private volatile boolean closed;

  private FakeApprover(Builder builder, Step repeat) {
    this.script = new ArrayDeque<>(builder.steps);
    this.repeat = repeat;
    this.approver = builder.approver;
    this.latency = builder.latency;
    this.clock = builder.clock;
  }

  /** An approver that approves every request, with {@code code} where MFA is required. */
  public static FakeApprover approving(String code) {
    MfaCode.of(code);
    return new FakeApprover(new Builder(), new Step(Kind.APPROVE, code));
  }

  /** An approver that denies every request with {@code note}. */
  public static FakeApprover denying(String note) {
    return new FakeApprover(new Builder(), new Step(Kind.DENY, note == null ? "" : note));
  }

  /** An approver that lets every request expire. */
  public static FakeApprover expiring() {
    return new FakeApprover(new Builder(), new Step(Kind.EXPIRE, null));
  }

  /** A builder for a script of decisions, answered in order. */
  public static Builder scripted() {
    return new Builder();
  }

  @Override
  public Decision decide(ApprovalRequest request) {
    Objects.requireNonNull(request, "request == null");
    Step step;
    synchronized (this) {
      requests.add(request);
      step = script.isEmpty() ? repeat : script.poll();
    }
    if (step == null) {
      throw new IllegalStateException("FakeApprover has no scripted decision left for request " + request.id()
          + " (it was asked " + requestCount() + " times); script another decision");
    }
    if (!latency.isZero()) {
      try {
        Thread.sleep(latency.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return record(new Decision.Expired(request.id()));
      }
    }
    if (closed || clock.instant().isAfter(request.decideBy())) {
      return record(new Decision.Expired(request.id()));
    }
    switch (step.kind()) {
      case APPROVE:
        return record(request.requiresMfa()
            ? Decision.Approved.withCode(request.id(), approver, MfaCode.of(step.value()))
            : Decision.Approved.withoutCode(request.id(), approver));
      case DENY:
        return record(new Decision.Denied(request.id(), approver, step.value()));
      default:
        return record(new Decision.Expired(request.id()));
    }
  }

  private synchronized Decision record(Decision decision) {
    decisions.add(decision);
    return decision;
  }

  /** Every request this approver was asked about, in order. */
  public synchronized List<ApprovalRequest> requests() {
    return List.copyOf(requests);
  }

  /** Every decision this approver returned, in order. */
  public synchronized List<Decision> decisions() {
    return List.copyOf(decisions);
  }

  /** How many times {@link #decide(ApprovalRequest)} was called. */
  public synchronized int requestCount() {
    return requests.size();
  }

  /** The last request seen; fails when none was. */
  public synchronized ApprovalRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("FakeApprover was never asked");
    }
    return requests.get(requests.size() - 1);
  }

  /** Marks the approver closed: later decisions are {@link Decision.Expired}. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public synchronized String toString() {
    return "FakeApprover[approver=" + approver + ", asked=" + requests.size() + ", scriptLeft=" + script.size() + "]";
  }

  /** Builds a scripted {@link FakeApprover}. Not thread-safe. */
  public static final class Builder {
    private final List<Step> steps = new ArrayList<>();
    private String approver = "fake-approver";
    private Duration latency = Duration.ZERO;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Next, approve with {@code code} (six digits; sent only when the request requires MFA). */
    public Builder approve(String code) {
      MfaCode.of(code);
      steps.add(new Step(Kind.APPROVE, code));
      return this;
    }

    /** Next, deny with {@code note}. */
    public Builder deny(String note) {
      steps.add(new Step(Kind.DENY, note == null ? "" : note));
      return this;
    }

    /** Next, let the request expire. */
    public Builder expire() {
      steps.add(new Step(Kind.EXPIRE, null));
      return this;
    }

    /** The approver name recorded on decisions; default {@code fake-approver}. */
    public Builder approver(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("approver must be a non-blank name");
      }
      this.approver = name;
      return this;
    }

    /** How long each decision takes, in real time; default zero. */
    public Builder latency(Duration latency) {
      Objects.requireNonNull(latency, "latency == null");
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must not be negative, was " + latency);
      }
      this.latency = latency;
      return this;
    }

    /** The clock deadlines are checked against; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** Builds the approver; once the script is used up it throws instead of deciding. */
    public FakeApprover build() {
      return new FakeApprover(this, null);
    }
  }
}
