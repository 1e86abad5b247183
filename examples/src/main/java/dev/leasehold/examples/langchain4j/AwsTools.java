package dev.leasehold.examples.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.leasehold.AccessRequest;
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
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * AWS tools for a LangChain4j agent, with Leasehold between the model and the account.
 *
 * <pre>{@code
 * try (AwsTools aws = new AwsTools(leasehold)) {
 *   Assistant assistant = AiServices.builder(Assistant.class)
 *       .chatModel(model)
 *       .systemMessageProvider(memoryId -> AwsAccessRules.text())
 *       .tools(aws)
 *       .build();
 *   assistant.chat("Which release artifacts are in the deploy bucket?");
 * }
 * }</pre>
 *
 * <p>The rules this class keeps, and that your own tools should keep too:
 * <ul>
 *   <li>The model only ever sees a lease <em>handle</em> (an opaque id such as {@code lease-3f9a0c21}),
 *       the role, the expiry and the results. The {@link AgentSession}, its credentials and its clients
 *       stay in this object; the MFA code never reaches the agent at all.
 *   <li>Every tool returns short text, never throws: a refusal tells the model what happened and what to
 *       do next ({@code DENIED by alice: not during the freeze. Do not retry.}), so it stops instead of
 *       improvising.
 *   <li>Calls go through the lease's guarded clients, so a call outside the declared actions is refused
 *       before it leaves the process.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} ends every lease this object holds; the factory stays the caller's.
 */
public final class AwsTools implements AutoCloseable {
  private static final int MAX_ITEMS = 50;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AwsSessionFactory leasehold;
  private final Supplier<S3ClientBuilder> s3;
  private final Supplier<Ec2ClientBuilder> ec2;
  private final Map<String, AgentSession> leases = new ConcurrentHashMap<>();

  /**
   * Tools with default SDK client builders.
   *
   * @param leasehold the factory that asks humans for leases
   */
  public AwsTools(AwsSessionFactory leasehold) {
    this(leasehold, S3Client::builder, Ec2Client::builder);
  }

  /**
   * Tools whose clients come from these builders (an endpoint, an HTTP client; the lease sets
   * credentials and region).
   *
   * @param leasehold the factory that asks humans for leases
   * @param s3 a fresh, identically configured S3 builder on each call
   * @param ec2 a fresh, identically configured EC2 builder on each call
   */
  public AwsTools(AwsSessionFactory leasehold, Supplier<S3ClientBuilder> s3, Supplier<Ec2ClientBuilder> ec2) {
    this.leasehold = Objects.requireNonNull(leasehold, "leasehold == null");
    this.s3 = Objects.requireNonNull(s3, "s3 == null");
    this.ec2 = Objects.requireNonNull(ec2, "ec2 == null");
  }

  /** Asks a human for a 15-minute lease and answers with a lease handle, or with why not. */
  @Tool(name = "request_aws_access", value = {
      "Asks a human to approve temporary AWS access. Blocks until they decide.",
      "Returns a lease handle to pass to the other AWS tools, or why access was refused."})
  public String requestAwsAccess(
      @P("catalog role key, the smallest role that does the job, e.g. s3-deploy or ec2-read") String role,
      @P("one concrete sentence: what you will do, to what, and why") String reason,
      @P("the exact IAM actions you will call, e.g. [\"s3:ListBucket\"]") List<String> actions) {
    if (role == null || reason == null) {
      return "INVALID REQUEST: give a role key and a concrete reason.";
    }
    try {
      List<String> declared = actions == null ? List.of() : actions;
      AgentSession session = leasehold.open(AccessRequest.of(role, reason, declared.toArray(String[]::new)));
      String handle = "lease-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
      leases.put(handle, session);
      return "GRANTED lease=" + handle + " role=" + session.roleKey() + " expires=" + session.expiresAt()
          + " approvedBy=" + session.approver() + " allows=" + session.intent()
          + ". Pass this lease to the AWS tools; do not ask again while it is valid.";
    } catch (RuntimeException e) {
      return refusal(e);
    }
  }

  /** Lists object keys under a prefix with a lease that allows {@code s3:ListBucket}. */
  @Tool(name = "list_s3_objects", value = "Lists S3 object keys and sizes in a bucket under a prefix (at most 50).")
  public String listS3Objects(
      @P("lease handle from request_aws_access") String lease,
      @P("bucket name") String bucket,
      @P(value = "key prefix, may be empty", required = false) String prefix) {
    AgentSession session = leases.get(lease);
    if (session == null) {
      return unknownLease(lease);
    }
    try {
      ListObjectsV2Response listing = session.client(s3.get())
          .listObjectsV2(b -> b.bucket(bucket).prefix(prefix == null ? "" : prefix).maxKeys(MAX_ITEMS));
      if (listing.contents().isEmpty()) {
        return "No objects in s3://" + bucket + "/" + Objects.toString(prefix, "");
      }
      return listing.contents().stream()
          .map(o -> o.key() + " (" + o.size() + " bytes)")
          .collect(Collectors.joining("\n", "", listing.isTruncated() ? "\n(more objects not shown)" : ""));
    } catch (RuntimeException e) {
      return refusal(e);
    }
  }

  /** Describes EC2 instances in a region with a lease that allows {@code ec2:DescribeInstances}. */
  @Tool(name = "describe_ec2_instances", value = "Lists EC2 instances in a region: id, state, type and Name tag.")
  public String describeEc2Instances(
      @P("lease handle from request_aws_access") String lease,
      @P("AWS region, e.g. us-east-1") String region) {
    AgentSession session = leases.get(lease);
    if (session == null) {
      return unknownLease(lease);
    }
    if (region == null || !region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
      return "INVALID REGION '" + region + "': use a region code such as us-east-1.";
    }
    try {
      Ec2Client client = session.client(ec2.get(), Region.of(region));
      DescribeInstancesResponse response = client.describeInstances(b -> b.maxResults(MAX_ITEMS));
      String lines = response.reservations().stream()
          .flatMap(r -> r.instances().stream())
          .map(AwsTools::describe)
          .collect(Collectors.joining("\n"));
      return lines.isEmpty() ? "No EC2 instances in " + region + "." : lines;
    } catch (RuntimeException e) {
      return refusal(e);
    }
  }

  private static String describe(Instance i) {
    String name = i.tags().stream().filter(t -> "Name".equals(t.key())).map(Tag::value).findFirst().orElse("-");
    return i.instanceId() + " " + i.state().nameAsString() + " " + i.instanceTypeAsString() + " name=" + name;
  }

  private static String unknownLease(String lease) {
    return "UNKNOWN LEASE '" + lease + "': use a handle returned by request_aws_access.";
  }

  /**
   * What the model is told when something is refused or fails: short, actionable, never a secret. Leasehold's
   * messages carry no secrets by contract; an AWS error is reduced to its code.
   */
  static String refusal(RuntimeException e) {
    if (e instanceof ApprovalDeniedException) {
      ApprovalDeniedException d = (ApprovalDeniedException) e;
      return "DENIED by " + d.approver() + (d.note().isEmpty() ? "" : ": " + d.note()) + ". Do not retry.";
    }
    if (e instanceof ApprovalTimedOutException) {
      return "NO DECISION: nobody approved in time and nothing was done. Tell the user; do not ask again "
          + "unless they want you to.";
    }
    if (e instanceof OutOfScopeException) {
      List<String> roles = ((OutOfScopeException) e).allowingRoles();
      return "OUT OF SCOPE: the role does not allow those actions"
          + (roles.isEmpty() ? " and no role does. Tell the user; do not ask to widen a role."
              : ". Roles that do: " + String.join(", ", roles) + ".");
    }
    if (e instanceof CallOutsideScopeException) {
      return "REFUSED: " + ((CallOutsideScopeException) e).action() + " is outside this lease. Request a "
          + "new lease that declares it, or tell the user.";
    }
    if (e instanceof CallBudgetExhaustedException) {
      return "BUDGET EXHAUSTED: this lease allows no more calls. Stop and report what you have.";
    }
    if (e instanceof SessionExpiredException) {
      return "LEASE ENDED: request a new lease if the task still needs AWS; a human approves it again.";
    }
    if (e instanceof UnknownRoleException) {
      return "UNKNOWN ROLE: use one of " + String.join(", ", ((UnknownRoleException) e).allowedRoleKeys()) + ".";
    }
    if (e instanceof InvalidRequestException) {
      return "INVALID REQUEST: " + e.getMessage();
    }
    if (e instanceof LeaseholdException) {
      return "UNAVAILABLE: AWS access cannot be granted right now. Stop and tell the user.";
    }
    if (e instanceof AwsServiceException) {
      return "AWS ERROR: " + ((AwsServiceException) e).awsErrorDetails().errorCode() + ".";
    }
    if (e instanceof SdkException) {
      return "AWS UNREACHABLE: the call did not complete. Tell the user.";
    }
    return "FAILED: unexpected " + e.getClass().getSimpleName() + ". Stop and tell the user.";
  }

  /** Ends every lease this object holds. Idempotent. */
  @Override
  public void close() {
    leases.values().forEach(AgentSession::close);
    leases.clear();
  }
}
