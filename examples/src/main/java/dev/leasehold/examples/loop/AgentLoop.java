package dev.leasehold.examples.loop;

import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.CallBudgetExhaustedException;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.LeaseholdException;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.SessionExpiredException;
import dev.leasehold.UnknownRoleException;
import dev.leasehold.examples.loop.Outcome.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The plain agent loop: the Java counterpart of a "boto3 loop". For each task it asks for a lease, builds
 * its SDK client from the lease, does the work, and closes the lease. No AWS keys live in the agent.
 *
 * <pre>{@code
 * try (ApprovalChannel console = ApprovalChannels.load("console", Map.of());
 *      AwsSessionFactory leasehold = AwsSessionFactory.builder()
 *         .catalog(ExampleCatalog.hermes())
 *         .baseCredentials(ProfileCredentialsProvider.create("hermes-agent"))   // may only sts:AssumeRole
 *         .approvalChannel(console)
 *         .auditLog(Path.of("leasehold-audit.jsonl"))
 *         .build()) {
 *   List<Outcome> report = new AgentLoop(leasehold).run(tasks);
 *   report.forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>What to copy is {@link #attempt(Task)}: one {@code try}-with-resources per task, and one
 * {@code catch} per refusal, each ending the task with a report line and none retrying. A denial, an
 * unanswered approval or an unavailable Leasehold stop the whole run ({@link Status#stopsRun()}): the agent
 * reports back to its human instead of trying another role, rephrasing the reason or asking again.
 *
 * <p>Not thread-safe; one loop per agent thread. The factory is the caller's to close.
 */
public final class AgentLoop {
  private final AwsSessionFactory leasehold;
  private final Supplier<S3ClientBuilder> s3;

  /**
   * A loop whose tasks get default S3 clients.
   *
   * @param leasehold the factory that asks humans for leases
   */
  public AgentLoop(AwsSessionFactory leasehold) {
    this(leasehold, S3Client::builder);
  }

  /**
   * A loop whose tasks get S3 clients from {@code s3} (an endpoint, an HTTP client; credentials and
   * region are set by the lease).
   *
   * @param leasehold the factory that asks humans for leases
   * @param s3 a fresh, identically configured builder on each call
   */
  public AgentLoop(AwsSessionFactory leasehold, Supplier<S3ClientBuilder> s3) {
    this.leasehold = Objects.requireNonNull(leasehold, "leasehold == null");
    this.s3 = Objects.requireNonNull(s3, "s3 == null");
  }

  /**
   * Runs the tasks in order until one stops the run; the rest are reported as {@link Status#SKIPPED}.
   *
   * @param tasks the work
   * @return one outcome per task, in order
   */
  public List<Outcome> run(List<Task> tasks) {
    List<Outcome> report = new ArrayList<>();
    Outcome stop = null;
    for (Task task : tasks) {
      if (stop != null) {
        report.add(new Outcome(task.name(), Status.SKIPPED, "not attempted: task '" + stop.task() + "' ended "
            + stop.status() + " and stopped the run"));
        continue;
      }
      Outcome outcome = attempt(task);
      report.add(outcome);
      if (outcome.status().stopsRun()) {
        stop = outcome;
      }
    }
    return List.copyOf(report);
  }

  /**
   * One task: lease, client, work, close, and one answer per refusal. Nothing here retries.
   *
   * @param task the task
   * @return how it ended
   */
  public Outcome attempt(Task task) {
    try (AgentSession session = leasehold.open(task.access())) {
      S3Client client = session.client(s3.get());
      return new Outcome(task.name(), Status.DONE, task.work().perform(client));
    } catch (ApprovalDeniedException e) {
      return new Outcome(task.name(), Status.DENIED, "denied by " + e.approver()
          + (e.note().isEmpty() ? "" : ": " + e.note()) + ". Not retried.");
    } catch (ApprovalTimedOutException e) {
      return new Outcome(task.name(), Status.APPROVAL_TIMED_OUT, e.getMessage());
    } catch (OutOfScopeException | CallOutsideScopeException e) {
      return new Outcome(task.name(), Status.OUT_OF_SCOPE, e.getMessage());
    } catch (CallBudgetExhaustedException e) {
      return new Outcome(task.name(), Status.BUDGET_EXHAUSTED, e.getMessage());
    } catch (SessionExpiredException e) {
      return new Outcome(task.name(), Status.LEASE_EXPIRED, e.getMessage());
    } catch (UnknownRoleException | InvalidRequestException e) {
      return new Outcome(task.name(), Status.INVALID_REQUEST, e.getMessage());
    } catch (LeaseholdException e) {
      return new Outcome(task.name(), Status.UNAVAILABLE, e.getMessage());
    } catch (SdkException e) {
      return new Outcome(task.name(), Status.AWS_ERROR, e.getMessage());
    }
  }
}
