package dev.leasehold.mcp.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leasehold.AccessRequest;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.BrokerUnavailableException;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.LeaseholdException;
import dev.leasehold.SessionExpiredException;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.approval.Durations;
import dev.leasehold.internal.AgentText;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.policy.internal.Glob;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The four tools and what each enforces. {@code request_aws_lease} asks the broker without waiting and polls it,
 * sending progress notifications, until the human decides on the broker's channel (never through MCP elicitation);
 * {@code call_aws} checks a command against the lease it names, then runs the AWS CLI with that lease only. Every
 * call and every refusal is audited with the lease id and the MCP client's name as the agent. No result carries a
 * credential or a token: leases are known to the model by id only, and command output is redacted. Thread-safe.
 */
public final class LeaseTools {
  /** botocore (the AWS CLI) cannot use credentials with under 10 minutes left; the broker stops serving them. */
  public static final Duration CLI_MINIMUM_REMAINING = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(250);

  /** One lease this server obtained: the model knows only its id. */
  private record Lease(String id, AccessRequest request, BrokerClient.Grant grant, String agent) {}

  /** Everything the tools need from the server's configuration. */
  public record Settings(Supplier<BrokerClient> broker, AuditSink audit, CliRunner runner, Path fileRoot,
      Duration approvalWait, Clock clock) {
    /** Checks the fields. */
    public Settings {
      Objects.requireNonNull(broker, "broker == null");
      Objects.requireNonNull(audit, "audit == null");
      Objects.requireNonNull(runner, "runner == null");
      Objects.requireNonNull(approvalWait, "approvalWait == null");
      Objects.requireNonNull(clock, "clock == null");
    }
  }

  private final Settings settings;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();

  public LeaseTools(Settings settings) {
    this.settings = settings;
  }

  /** The tool specifications, with their JSON Schemas (from {@code /dev/leasehold/mcp/tools.json}). */
  public List<SyncToolSpecification> specifications() {
    Map<String, Map<String, Object>> schemas = schemas();
    List<SyncToolSpecification> out = new ArrayList<>();
    out.add(spec(schemas, "list_aws_roles", "List AWS roles",
        "Lists the AWS roles you may ask a lease for: key, description, environment, lease length and the IAM "
            + "actions each allows. Start here, then call request_aws_lease.", this::listRoles, true));
    out.add(spec(schemas, "request_aws_lease", "Request an AWS lease",
        "Asks a human to approve a short AWS lease on one role for one task: give a concrete reason (what and why, "
            + "12-256 characters, at least three words) and the IAM actions the task needs (intent), optionally the "
            + "resource ARNs. The human approves on their own channel; this call waits for the decision and returns "
            + "a lease id (never a credential). Use the lease id with call_aws.", this::requestLease, false));
    out.add(spec(schemas, "call_aws", "Run an AWS CLI command under a lease",
        "Runs one AWS CLI command (such as 'aws s3api put-object --bucket B --key K --body FILE') with the "
            + "credentials of a lease. The command is not run through a shell. It is refused before it runs when it "
            + "needs an action or resource outside the lease's intent, overrides credentials or endpoints "
            + "(--profile, --endpoint-url, --no-sign-request, credential variables), or names a file outside the "
            + "allowed folder. Output is returned with anything credential-shaped redacted.", this::callAws, false));
    out.add(spec(schemas, "end_aws_lease", "End an AWS lease",
        "Ends a lease early, once the task is done. Its credentials stop working at once.", this::endLease, false));
    return out;
  }

  // ----------------------------------------------------------------------------------------------- tools

  private CallToolResult listRoles(McpSyncServerExchange exchange, CallToolRequest call, Map<String, Object> args) {
    List<BrokerClient.Role> roles = settings.broker().get().roles();
    List<Map<String, Object>> list = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (BrokerClient.Role r : roles) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", r.key());
      m.put("description", r.description());
      m.put("environment", r.environment());
      m.put("duration", r.duration());
      m.put("actions", r.actions());
      list.add(m);
      text.append(r.key()).append(" (").append(r.environment()).append(", ").append(r.duration()).append("): ")
          .append(r.description()).append(" Actions: ").append(String.join(", ", r.actions())).append('\n');
    }
    audit(AuditEventType.CALL_ALLOWED, exchange, null, null, "list_aws_roles", "ok", null);
    return ok(text.toString().strip(), Map.of("roles", list));
  }

  private CallToolResult requestLease(McpSyncServerExchange exchange, CallToolRequest call, Map<String, Object> args) {
    AccessRequest request;
    try {
      AccessRequest.Builder b = AccessRequest.builder().role(string(args, "role")).reason(string(args, "reason"))
          .intent(strings(args, "intent")).resources(strings(args, "resources"));
      if (args.get("duration") != null) {
        b.duration(Durations.parse(string(args, "duration")).orElseThrow(() -> new InvalidRequestException(
            "'duration' must be written like 25m, 1500s or PT25M.")));
      }
      request = b.build();
      AgentText.requireInert("The reason", request.reason());
      AgentText.requireInertIntent(request.actions(), request.resources());
    } catch (LeaseholdException | IllegalArgumentException e) {
      auditRequest(AuditEventType.REFUSED, exchange, null, args, "invalid", e.getMessage());
      return error("The lease request is invalid: " + e.getMessage(), "invalid");
    }
    BrokerClient broker = settings.broker().get();
    BrokerClient.Grant grant;
    try {
      grant = broker.request(request, false);
      Instant deadline = settings.clock().instant().plus(settings.approvalWait());
      Object progressToken = exchange == null ? null : progressToken(call);
      int polls = 0;
      while (grant.status().equals("pending")) {
        if (settings.clock().instant().isAfter(deadline)) {
          broker.end(grant.id());
          throw new ApprovalTimedOutException("Nobody decided on lease " + grant.id() + " within "
              + Durations.human(settings.approvalWait()) + "; it was withdrawn. Ask the user whether to request it again.");
        }
        if (progressToken != null) {
          exchange.progressNotification(new McpSchema.ProgressNotification(progressToken, ++polls, null,
              "Waiting for a human to approve lease " + grant.id() + " on role '" + request.role()
                  + "' (on the approval channel, not in this conversation)"));
        }
        Thread.sleep(POLL.toMillis());
        grant = broker.status(grant.id());
      }
      if (grant.status().equals("failed")) {
        throw BrokerClient.failure(grant);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error("Interrupted while waiting for the human's decision; request the lease again.", "interrupted");
    } catch (LeaseholdException e) {
      String outcome = e instanceof ApprovalDeniedException ? "denied" : "refused";
      auditRequest(e instanceof ApprovalDeniedException ? AuditEventType.DENIED : AuditEventType.REFUSED, exchange,
          null, args, outcome, e.getMessage());
      return error(guidance(e), outcome);
    }
    leases.put(grant.id(), new Lease(grant.id(), request, grant, agent(exchange)));
    auditRequest(AuditEventType.APPROVED, exchange, grant, args, "granted", null);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("leaseId", grant.id());
    result.put("role", grant.role());
    result.put("intent", grant.intent());
    result.put("resources", request.resources());
    result.put("expiresAt", grant.expiresAt().toString());
    result.put("approver", grant.approver());
    return ok("Lease " + grant.id() + " on role '" + grant.role() + "' approved by " + grant.approver()
        + ", for " + String.join(", ", grant.intent()) + ", until " + grant.expiresAt()
        + ". Use it with call_aws; end it with end_aws_lease when done.", result);
  }

  private CallToolResult callAws(McpSyncServerExchange exchange, CallToolRequest call, Map<String, Object> args) {
    String id = string(args, "lease_id");
    String line = string(args, "command");
    Lease lease = leases.get(id);
    if (lease == null) {
      audit(AuditEventType.CALL_REFUSED, exchange, id, null, "call_aws", "unknown-lease", "no such lease");
      return error("There is no lease '" + printable(id) + "' on this server (it was never granted here, or the "
          + "server restarted). Request a new lease with request_aws_lease; a human approves it again.",
          "unknown-lease");
    }
    BrokerClient.Grant grant;
    try {
      grant = settings.broker().get().status(id);
    } catch (LeaseholdException e) {
      grant = null;
    }
    Instant now = settings.clock().instant();
    if (grant == null || !grant.status().equals("active") || grant.expiresAt() == null
        || !grant.expiresAt().isAfter(now)) {
      leases.remove(id);
      audit(AuditEventType.CALL_REFUSED, exchange, id, lease, "call_aws", "expired", "lease ended or expired");
      return error("Lease " + id + " has ended or expired. A lease is never renewed: request a new lease with "
          + "request_aws_lease (a human approves it again).", "expired");
    }
    Duration left = Duration.between(now, grant.expiresAt());
    if (left.compareTo(CLI_MINIMUM_REMAINING) < 0) {
      audit(AuditEventType.CALL_REFUSED, exchange, id, lease, "call_aws", "too-short",
          Durations.human(left) + " left");
      return error("Lease " + id + " has " + Durations.human(left) + " left; the AWS CLI cannot use credentials with "
          + "under " + Durations.human(CLI_MINIMUM_REMAINING) + " left. Request a new lease with request_aws_lease "
          + "(a human approves it again).", "too-short");
    }
    AwsCommand command;
    List<CommandActions.Need> needs;
    try {
      command = AwsCommand.parse(line, settings.fileRoot());
      needs = check(CommandActions.of(command, partition(grant.roleArn())), lease, grant);
    } catch (LeaseholdException e) {
      String action = e instanceof CallOutsideScopeException c ? c.action() : null;
      audit(AuditEventType.CALL_REFUSED, exchange, id, lease, action, "refused",
          e.getMessage() + " Command: " + printable(line));
      return error("Refused before running: " + e.getMessage(), "refused");
    }
    String actions = String.join(" ", needs.stream().map(CommandActions.Need::action).distinct().toList());
    CliRunner.Outcome outcome;
    try {
      outcome = settings.runner().run(command, grant.credentialsUri(), grant.credentialsToken());
    } catch (IOException e) {
      audit(AuditEventType.CALL_REFUSED, exchange, id, lease, actions, "not-run", e.getMessage());
      return error("The AWS CLI could not be started (" + e.getMessage() + "); tell the operator.", "not-run");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error("Interrupted while the AWS CLI ran.", "interrupted");
    }
    List<String> known = List.of(grant.credentialsToken());
    String stdout = Redactor.redact(outcome.stdout(), known);
    String stderr = Redactor.redact(outcome.stderr(), known);
    audit(AuditEventType.CALL_ALLOWED, exchange, id, lease, actions,
        outcome.timedOut() ? "timeout" : "exit " + outcome.exitCode(), printable(command.toString()));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("exitCode", outcome.exitCode());
    result.put("stdout", stdout);
    result.put("stderr", stderr);
    result.put("truncated", outcome.truncated());
    result.put("timedOut", outcome.timedOut());
    result.put("actions", needs.stream().map(CommandActions.Need::action).distinct().toList());
    StringBuilder text = new StringBuilder();
    text.append(outcome.timedOut() ? "The command timed out and was stopped." : "Exit code " + outcome.exitCode())
        .append(outcome.truncated() ? " (output truncated)" : "").append('\n');
    if (!stdout.isEmpty()) {
      text.append(stdout);
    }
    if (!stderr.isEmpty()) {
      text.append(stdout.isEmpty() ? "" : "\n").append("stderr:\n").append(stderr);
    }
    return CallToolResult.builder().addTextContent(text.toString().strip()).structuredContent(result)
        .isError(outcome.exitCode() != 0).build();
  }

  private CallToolResult endLease(McpSyncServerExchange exchange, CallToolRequest call, Map<String, Object> args) {
    String id = string(args, "lease_id");
    Lease lease = leases.remove(id);
    if (lease == null) {
      audit(AuditEventType.CALL_REFUSED, exchange, id, null, "end_aws_lease", "unknown-lease", "no such lease");
      return error("There is no lease '" + printable(id) + "' on this server; nothing was ended.", "unknown-lease");
    }
    settings.broker().get().end(id);
    audit(AuditEventType.CLOSED, exchange, id, lease, null, "ended", "end_aws_lease");
    return ok("Lease " + id + " ended; its credentials no longer work.", Map.of("leaseId", id, "ended", true));
  }

  /**
   * Ends every lease this server still holds (when the client goes away): a lease outlives neither the task nor
   * the conversation that asked for it. Failures are ignored; the broker ends each lease at its expiry anyway.
   */
  public void endAll() {
    for (String id : List.copyOf(leases.keySet())) {
      Lease lease = leases.remove(id);
      if (lease == null) {
        continue;
      }
      try {
        audit(AuditEventType.CLOSED, null, id, lease, null, "ended", "the MCP client disconnected");
        settings.broker().get().end(id);
      } catch (RuntimeException e) {
        // the broker or the audit sink is gone; the lease ends at its expiry
      }
    }
  }

  // ----------------------------------------------------------------------------------------------- rules

  /** Refuses a need outside the lease's intent or resources; {@code sts:GetCallerIdentity} needs no intent. */
  private static List<CommandActions.Need> check(List<CommandActions.Need> needs, Lease lease,
      BrokerClient.Grant grant) {
    List<String> intent = grant.intent().isEmpty() ? lease.request().actions() : grant.intent();
    List<Glob> actions = intent.stream().map(a -> Glob.of(a, true)).toList();
    List<Glob> resources = lease.request().resources().stream().map(r -> Glob.of(r, false)).toList();
    for (CommandActions.Need need : needs) {
      if (need.action().equalsIgnoreCase("sts:GetCallerIdentity")) {
        continue;
      }
      if (actions.stream().noneMatch(g -> g.matches(need.action()))) {
        throw new CallOutsideScopeException(need.action() + " is outside lease " + lease.id() + "'s intent "
            + intent + ". Do not work around it: if the task needs it, request a new lease with it in the intent "
            + "(a human approves it again).", need.action());
      }
      if (need.resource() != null && !resources.isEmpty()
          && resources.stream().noneMatch(g -> g.matches(need.resource()))) {
        throw new CallOutsideScopeException(need.action() + " on " + need.resource() + " is outside lease "
            + lease.id() + "'s resources " + lease.request().resources() + ". Request a new lease naming it if the "
            + "task needs it.", need.action());
      }
    }
    return needs;
  }

  /** The error text the model reads: the library's message plus what to do next. */
  static String guidance(LeaseholdException e) {
    if (e instanceof ApprovalDeniedException) {
      return e.getMessage() + " Do not retry this request or rephrase it to get a different answer: a human denied "
          + "it. Tell the user and ask how to proceed.";
    }
    if (e instanceof ApprovalTimedOutException) {
      return e.getMessage() + " Ask the user before requesting it again.";
    }
    if (e instanceof BrokerUnavailableException) {
      return e.getMessage() + " Tell the user; the broker is run by the operator.";
    }
    if (e instanceof SessionExpiredException) {
      return e.getMessage() + " Request a new lease (a human approves it again).";
    }
    return e.getMessage();
  }

  // --------------------------------------------------------------------------------------------- helpers

  private SyncToolSpecification spec(Map<String, Map<String, Object>> schemas, String name, String title,
      String description, Handler handler, boolean readOnly) {
    McpSchema.Tool tool = McpSchema.Tool.builder().name(name).title(title).description(description)
        .inputSchema(schemas.get(name))
        .annotations(new McpSchema.ToolAnnotations(title, readOnly, !readOnly && name.equals("call_aws"), false,
            true, false))
        .build();
    return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
      try {
        return handler.handle(exchange, request, request.arguments() == null ? Map.of() : request.arguments());
      } catch (BrokerUnavailableException e) {
        return error(guidance(e), "broker-unavailable");
      } catch (LeaseholdException e) {
        return error(guidance(e), "error");
      }
    }).build();
  }

  @FunctionalInterface
  private interface Handler {
    CallToolResult handle(McpSyncServerExchange exchange, CallToolRequest request, Map<String, Object> args);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> schemas() {
    try (InputStream in = LeaseTools.class.getResourceAsStream("/dev/leasehold/mcp/tools.json")) {
      if (in == null) {
        throw new IllegalStateException("/dev/leasehold/mcp/tools.json is missing; the leasehold-mcp jar is "
            + "incomplete.");
      }
      return JSON.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object progressToken(CallToolRequest request) {
    return request == null || request.meta() == null ? null : request.meta().get("progressToken");
  }

  private void audit(AuditEventType type, McpSyncServerExchange exchange, String leaseId, Lease lease, String action,
      String outcome, String cause) {
    AuditEvent.Builder b = AuditEvent.builder(type, settings.clock().instant()).requestId(leaseId)
        .agent(exchange == null && lease != null ? lease.agent() : agent(exchange)).action(action).outcome(outcome).cause(cause);
    if (lease != null) {
      b.roleKey(lease.request().role()).roleArn(lease.grant().roleArn()).intent(lease.request().actions())
          .resources(lease.request().resources()).approver(lease.grant().approver());
    }
    settings.audit().record(b.build());
  }

  private void auditRequest(AuditEventType type, McpSyncServerExchange exchange, BrokerClient.Grant grant,
      Map<String, Object> args, String outcome, String cause) {
    AuditEvent.Builder b = AuditEvent.builder(type, settings.clock().instant())
        .requestId(grant == null ? null : grant.id()).agent(agent(exchange)).action("request_aws_lease")
        .outcome(outcome).cause(cause)
        .roleKey(args.get("role") instanceof String s ? printable(s) : null)
        .reason(args.get("reason") instanceof String s ? printable(s) : null);
    if (grant != null) {
      b.roleArn(grant.roleArn()).approver(grant.approver()).intent(grant.intent());
    }
    settings.audit().record(b.build());
  }

  /** The MCP client's name and version from its clientInfo, made inert: it is the client's own text. */
  static String agent(McpSyncServerExchange exchange) {
    McpSchema.Implementation info = exchange == null ? null : exchange.getClientInfo();
    if (info == null) {
      return "mcp-client (unnamed)";
    }
    String raw = "mcp:" + info.name() + (info.version() == null ? "" : "/" + info.version());
    StringBuilder b = new StringBuilder();
    raw.codePoints().limit(128).forEach(cp -> b.appendCodePoint(Character.isISOControl(cp)
        || Character.getType(cp) == Character.FORMAT ? '?' : cp));
    return b.toString();
  }

  private static String partition(String roleArn) {
    if (roleArn == null) {
      return "aws";
    }
    String[] parts = roleArn.split(":", 3);
    return parts.length >= 2 && !parts[1].isEmpty() ? parts[1] : "aws";
  }

  private static String string(Map<String, Object> args, String name) {
    Object v = args.get(name);
    if (!(v instanceof String s)) {
      throw new InvalidRequestException("'" + name + "' must be a string.");
    }
    return s;
  }

  private static List<String> strings(Map<String, Object> args, String name) {
    Object v = args.get(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new InvalidRequestException("'" + name + "' must be an array of strings.");
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw new InvalidRequestException("'" + name + "' must be an array of strings.");
      }
      out.add(s);
    }
    return out;
  }

  private static String printable(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(300).forEach(cp -> b.appendCodePoint(Character.isISOControl(cp)
        || Character.getType(cp) == Character.FORMAT ? '?' : cp));
    return b.toString();
  }

  private static CallToolResult ok(String text, Map<String, Object> structured) {
    return CallToolResult.builder().addTextContent(text).structuredContent(structured).isError(false).build();
  }

  private static CallToolResult error(String text, String outcome) {
    return CallToolResult.builder().addTextContent(text)
        .structuredContent(Map.of("error", outcome, "message", text)).isError(true).build();
  }

}
