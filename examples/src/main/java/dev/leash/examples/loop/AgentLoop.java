package dev.leash.examples.loop;

import dev.leash.AgentSession;
import dev.leash.ApprovalDeniedException;
import dev.leash.ApprovalTimedOutException;
import dev.leash.AwsSessionFactory;
import dev.leash.CallBudgetExhaustedException;
import dev.leash.CallOutsideScopeException;
import dev.leash.InvalidRequestException;
import dev.leash.LeashException;
import dev.leash.OutOfScopeException;
import dev.leash.SessionExpiredException;
import dev.leash.UnknownRoleException;
import dev.leash.examples.loop.Outcome.Status;
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
 *      AwsSessionFactory leash = AwsSessionFactory.builder()
 *         .catalog(ExampleCatalog.hermes())
 *         .baseCredentials(ProfileCredentialsProvider.create("hermes-agent"))   // may only sts:AssumeRole
 *         .approvalChannel(console)
 *         .auditLog(Path.of("leash-audit.jsonl"))
 *         .build()) {
 *   List<Outcome> report = new AgentLoop(leash).run(tasks);
 *   report.forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>What to copy is {@link #attempt(Task)}: one {@code try}-with-resources per task, and one
 * {@code catch} per refusal, each ending the task with a report line and none retrying. A denial, an
 * unanswered approval or an unavailable Leash stop the whole run ({@link Status#stopsRun()}): the agent
 * reports back to its human instead of trying another role, rephrasing the reason or asking again.
 *
 * <p>Not thread-safe; one loop per agent thread. The factory is the caller's to close.
 */
public final class AgentLoop {
  private final AwsSessionFactory leash;
  private final Supplier<S3ClientBuilder> s3;

  /**
   * A loop whose tasks get default S3 clients.
   *
   * @param leash the factory that asks humans for leases
   */
  public AgentLoop(AwsSessionFactory leash) {
    this(leash, S3Client::builder);
  }

  /**
   * A loop whose tasks get S3 clients from {@code s3} (an endpoint, an HTTP client; credentials and
   * region are set by the lease).
   *
   * @param leash the factory that asks humans for leases
   * @param s3 a fresh, identically configured builder on each call
   */
  public AgentLoop(AwsSessionFactory leash, Supplier<S3ClientBuilder> s3) {
    this.leash = Objects.requireNonNull(leash, "leash == null");
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
    try (AgentSession session = leash.open(task.access())) {
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
    } catch (LeashException e) {
      return new Outcome(task.name(), Status.UNAVAILABLE, e.getMessage());
    } catch (SdkException e) {
      return new Outcome(task.name(), Status.AWS_ERROR, e.getMessage());
    }
  }
}
