package dev.leasehold.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.ApprovalUnavailableException;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.console.ConsoleApprovalChannel;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.iam.LocalVerifier;
import dev.leasehold.testing.AwsStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * {@code leasehold demo}: the whole flow against loopback stand-ins for STS and S3, narrated step by step,
 * with the console approval channel. Finishes by itself; never touches AWS.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Walks the whole Leasehold flow against a local STS and S3 stand-in on loopback (nothing reaches "
        + "AWS): a request with reason and intent, the approval prompt, a 15-minute lease, an allowed call, an "
        + "out-of-scope call refused, a vague reason refused, a denial honoured without asking again, and the "
        + "audit trail verified.",
        "On a terminal the prompts appear there (the MFA code is not echoed). Otherwise answers are read from "
        + "standard input, one per line: y, a 6-digit code, n, a note (see cli/src/test/resources/demo-answers.txt).",
        "Exit 0 when the story completes; 1 when it cannot (for example, the input ends before a decision)."})
final class DemoCommand implements Callable<Integer> {
  static final String BUCKET = "hermes-dev-deploy";
  static final String KEY = "releases/1.4.2/NOTES.md";
  /** The demo agent's base identity: obviously fake keys, only ever sent to the loopback stand-in. */
  static final String BASE_KEY = "AKIALEASEHOLDDEMOBASE000";
  static final String BASE_SECRET = "leasehold-demo-base-identity-not-a-real-key";

  private final Cli cli;
  private PrintStream out;
  private int step;

  DemoCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    out = cli.out;
    RoleCatalog catalog;
    try (InputStream in = DemoCommand.class.getResourceAsStream("reference-catalog.yaml")) {
      catalog = RoleCatalog.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RoleCatalog.Format.YAML,
          "reference-catalog.yaml (bundled)");
    }
    out.println("Leasehold demo: an AI agent gets AWS access only through a human-approved, MFA-gated, 15-minute lease.");
    out.println();

    Path audit = Files.createTempFile("leasehold-demo-audit-", ".jsonl");
    Files.delete(audit); // the sink creates it
    try (AwsStandIn aws = standIn(catalog, cli.clock)) {
      say("Started a local STS and S3 stand-in on " + aws.endpoint() + ". Everything below talks to it; nothing "
          + "reaches AWS.");
      say("Loaded the bundled reference catalog: agent '" + catalog.agent().name() + "', roles " + catalog.roleKeys()
          + ". The agent's own identity may only call sts:AssumeRole on these roles, and each role is narrow.");
      try (ApprovalChannel channel = channel();
           AwsSessionFactory leasehold = factory(catalog, channel, aws, audit)) {
        say("The audit trail goes to " + audit + " (hash-chained JSON Lines).");
        int code = story(leasehold, aws);
        if (code != 0) {
          return code;
        }
      }
      return auditTrail(audit);
    }
  }

  /**
   * The STS and S3 stand-in (leasehold-testing's {@link AwsStandIn}) set up as the catalog's account: only the
   * catalog's roles may be assumed, an MFA role only with the agent's serial number and a fresh 6-digit code.
   */
  static AwsStandIn standIn(RoleCatalog catalog, Clock clock) {
    AwsStandIn.Builder builder = AwsStandIn.builder().clock(clock).mfaSerial(catalog.agent().mfaSerial())
        .callerArn(catalog.agent().userArn());
    catalog.roles().values().forEach(r -> builder.role(r.arn(), r.mfa() == MfaRequirement.REQUIRED));
    return builder.start();
  }

  private ApprovalChannel channel() {
    ConsoleApprovalChannel.Builder builder = ConsoleApprovalChannel.builder().approver(approver())
        .timeout(Duration.ofMinutes(3));
    if (cli.terminal.getAsBoolean()) {
      say("Approvals are asked on this terminal: the console channel opens the controlling terminal itself, and "
          + "the MFA code is not echoed.");
      return builder.build();
    }
    say("No terminal (standard input or output is redirected): approvals are read from standard input, one "
        + "answer per line.");
    return builder.input(cli.in).output(cli.out).color(ConsoleApprovalChannel.Color.OFF).build();
  }

  private AwsSessionFactory factory(RoleCatalog catalog, ApprovalChannel channel, AwsStandIn aws, Path audit) {
    Main.quietCaffeine();
    AwsSessionFactory.Builder builder = AwsSessionFactory.builder()
        .catalog(catalog)
        .baseCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(BASE_KEY, BASE_SECRET)))
        .approvalChannel(channel)
        .stsEndpoint(aws.endpoint())
        .auditLog(audit)
        .clock(cli.clock)
        .approvalTimeout(Duration.ofMinutes(3))
        .environment(cli.env);
    List<String> present = LocalVerifier.CREDENTIAL_VARIABLES.stream()
        .filter(v -> cli.env.get(v) != null && !cli.env.get(v).isEmpty()).toList();
    if (!present.isEmpty()) {
      say("Note: your environment sets " + present + ". A real agent process would be refused here: any code in it "
          + "could use those keys without approval. This demo only talks to loopback, so it goes on with that one "
          + "check downgraded to a warning (warnOnlyOnCredentialVariables()).");
      builder.warnOnlyOnCredentialVariables();
    }
    return builder.build();
  }

  private int story(AwsSessionFactory leasehold, AwsStandIn aws) {
    AccessRequest upload = AccessRequest.builder()
        .role("s3-deploy")
        .reason("upload the release 1.4.2 notes to the deploy bucket")
        .intent("s3:PutObject", "s3:GetObject")
        .resources("arn:aws:s3:::" + BUCKET + "/releases/*")
        .build();
    say("The agent asks for role 's3-deploy' with the reason \"" + upload.reason() + "\" and the intent "
        + upload.actions() + " on " + upload.resources() + ". Leasehold checks the request, then asks a human.");
    say("Approve it: answer y, then type any 6 digits as the MFA code (the stand-in accepts a code once).");
    AgentSession session;
    try {
      session = leasehold.open(upload);
    } catch (ApprovalDeniedException e) {
      return stop("You denied the first request, so there is no lease to show. Run the demo again and approve it "
          + "(y, then 6 digits).");
    } catch (ApprovalUnavailableException | ApprovalTimedOutException e) {
      return stop("The approval got no answer: " + e.getMessage() + " Run the demo on a terminal, or pipe the "
          + "answers on standard input (docs/cli.md).");
    }

    try (session) {
      Map<String, String> call = aws.assumeRoles().get(aws.assumeRoles().size() - 1);
      say("Approved by " + session.approver() + ". Leasehold called AssumeRole once: DurationSeconds=" + call.get("DurationSeconds")
          + ", SerialNumber=" + call.get("SerialNumber") + ", a TokenCode of " + call.get("TokenCode").replace("characters", "digits")
          + " (never printed or logged), SourceIdentity=" + call.get("SourceIdentity") + ", RoleSessionName="
          + call.get("RoleSessionName") + ", and a session policy that narrows the lease to the intent"
          + (call.containsKey("Policy") ? "" : " (missing!)") + ".");
      say("Lease " + session.id() + " on " + session.roleArn() + " ends at "
          + session.expiresAt().truncatedTo(ChronoUnit.SECONDS) + ", "
          + (Duration.between(cli.clock.instant(), session.expiresAt()).toSeconds() + 30) / 60 + " minutes from now. It is "
          + "never renewed silently: a new lease needs a new approval.");

      S3Client s3 = session.client(S3Client.builder()
          .endpointOverride(aws.endpoint())
          .forcePathStyle(true)
          .httpClient(UrlConnectionHttpClient.create())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
      String notes = "# Release 1.4.2\n\n- faster uploads\n";
      s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString(notes));
      ResponseBytes<GetObjectResponse> back = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY));
      say("Allowed calls through the guarded S3 client: PutObject s3://" + BUCKET + "/" + KEY + ", then GetObject read "
          + back.asByteArray().length + " bytes back" + (back.asUtf8String().equals(notes) ? " (the same bytes)" : "")
          + ". Both were inside the intent, signed with the lease, and audited.");

      int before = aws.s3Requests().size();
      try {
        s3.deleteObject(b -> b.bucket(BUCKET).key(KEY));
        return stop("DeleteObject was NOT refused; this is a bug in Leasehold.");
      } catch (CallOutsideScopeException e) {
        say("Out-of-scope call: DeleteObject s3://" + BUCKET + "/" + KEY + " was refused before it left the process: "
            + e.getMessage() + " The S3 stand-in received " + (aws.s3Requests().size() - before)
            + " requests for it.");
      }
    }

    try {
      leasehold.open(AccessRequest.of("s3-deploy", "do work", "s3:PutObject"));
      return stop("The vague reason was NOT refused; this is a bug in Leasehold.");
    } catch (InvalidRequestException e) {
      say("A vague reason: the agent asks for 's3-deploy' because \"do work\". Refused before any human was asked: "
          + e.getMessage());
    }

    try {
      leasehold.open(AccessRequest.of("s3-deploy", "terminate the stale build instances in the staging VPC",
          "ec2:TerminateInstances"));
      return stop("The out-of-scope intent was NOT refused; this is a bug in Leasehold.");
    } catch (OutOfScopeException e) {
      say("An intent the role does not allow: ec2:TerminateInstances on 's3-deploy'. Refused before any human was "
          + "asked: " + e.getMessage());
    }

    AccessRequest describe = AccessRequest.of("ec2-read",
        "list the running EC2 instances in the staging VPC to find stale ones", "ec2:DescribeInstances");
    say("The agent asks for 'ec2-read' with the reason \"" + describe.reason() + "\". This time the human says no: "
        + "answer n (then a note, or just Enter).");
    try (AgentSession approved = leasehold.open(describe)) {
      say("You approved it (lease " + approved.id() + "), so there is no denial to honour; the cool-down step is "
          + "skipped. Answer n here to see it.");
      return 0;
    } catch (ApprovalDeniedException e) {
      say("Denied by " + e.approver() + (e.note().isEmpty() ? "" : " (note: \"" + e.note() + "\")")
          + ". The agent is told: " + e.getMessage());
    } catch (ApprovalUnavailableException | ApprovalTimedOutException e) {
      return stop("The approval got no answer: " + e.getMessage());
    }

    try (AgentSession again = leasehold.open(describe)) {
      return stop("The repeated request was approved again (lease " + again.id() + "); the cool-down did not hold.");
    } catch (ApprovalDeniedException e) {
      say("The agent asks again, word for word. Refused from the cool-down; the human was NOT asked again (no MFA "
          + "fatigue): " + e.getMessage());
    }
    return 0;
  }

  private int auditTrail(Path audit) {
    say("The audit trail, one record per step:");
    ObjectMapper json = new ObjectMapper();
    try {
      for (String line : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
        JsonNode r = json.readTree(line);
        StringBuilder s = new StringBuilder(String.format("    #%-3s %-14s", r.path("seq").asText(), r.path("type").asText()));
        s.append(' ').append(r.path("role").asText("-"));
        for (String field : List.of("action", "outcome", "approver", "cause")) {
          if (r.hasNonNull(field)) {
            s.append("  ").append(field).append('=').append(r.get(field).asText());
          }
        }
        out.println(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AuditVerification result = AuditVerifier.verify(audit);
    if (!result.intact()) {
      return stop("The audit trail is TAMPERED at line " + result.firstBadLine() + ": " + result.problem());
    }
    say("AuditVerifier: audit trail intact (" + result.records() + " records, each hash-chained to the one before). "
        + "Check it again with: leasehold audit verify " + audit);
    out.println();
    out.println("Demo finished. Nothing reached AWS; the agent never held a standing key.");
    return 0;
  }

  private void say(String text) {
    step++;
    out.println(String.format("[%2d] %s", step, text));
    out.flush();
  }

  private int stop(String text) {
    out.flush();
    cli.err.println("leasehold demo: " + text);
    cli.err.flush();
    return LeaseholdCommand.FAILED;
  }

  /** The OS user as the approver's name, when it fits STS's character set; otherwise "demo-approver". */
  private static String approver() {
    String user = System.getProperty("user.name", "");
    return user.matches("[A-Za-z0-9_.=+@-]{1,64}") ? user : "demo-approver";
  }
}
