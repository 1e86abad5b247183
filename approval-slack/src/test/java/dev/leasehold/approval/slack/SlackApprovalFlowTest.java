package dev.leasehold.approval.slack;

import static dev.leasehold.approval.slack.SlackStandIn.APPROVER;
import static dev.leasehold.approval.slack.SlackStandIn.CHANNEL;
import static dev.leasehold.approval.slack.SlackStandIn.MESSAGE_TS;
import static dev.leasehold.approval.slack.SlackStandIn.STRANGER;
import static dev.leasehold.approval.slack.SlackStandIn.json;
import static dev.leasehold.approval.slack.SlackStandIn.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import dev.leasehold.approval.slack.SlackStandIn.Text;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SlackApprovalFlowTest {

  private static final String AT = "2030-01-02T03:04:05Z (UTC)";

  @RegisterExtension
  final SlackStandIn slack = new SlackStandIn();

  @Test
  void writingActionsAreShownLoudlyAndAReadOnlyIntentSaysSo() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest writes = slack.request().writingActions(java.util.List.of("s3:PutObject")).build();
    slack.decideAsync(channel, writes);
    assertThat(texts(slack.awaitPosted().get("blocks"))).contains(
        new Text("mrkdwn", ":warning: *WRITES:* 1 of 2 actions change things: s3:PutObject"));

    ApprovalRequest reads = slack.request().intentActions(java.util.List.of("s3:ListBucket")).build();
    slack.decideAsync(channel, reads);
    assertThat(slack.awaitCalls("chat.postMessage", 2).get(1).get("blocks"))
        .contains("Writes: none; every action only reads or lists.").doesNotContain("WRITES");
  }

  @Test
  void approveClickModalAndCodeApproveTheRequestAndUpdateTheMessageWithoutTheCode() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();

    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);

    Map<String, String> posted = slack.awaitPosted();
    assertThat(posted).containsEntry("channel", CHANNEL).containsEntry("unfurl_links", "0");
    JsonArray blocks = json(posted.get("blocks")).getAsJsonArray();
    assertThat(blocks.get(0).getAsJsonObject().get("type").getAsString()).isEqualTo("header");
    assertThat(texts(posted.get("blocks"))).extracting(Text::text).contains(
        "AWS role request: s3-deploy",
        "Environment: dev",
        "Role: s3-deploy",
        "Agent: hermes",
        "Lease: 15m",
        "Request id: " + request.id(),
        "Digest: " + request.digest(),
        "Decide by: 2030-01-02T03:06:05Z (UTC)",
        "Role ARN: arn:aws:iam::123456789012:role/hermes-dev-s3-deploy",
        "Reason: Upload the built documentation site to the docs bucket",
        "Intent: s3:PutObject, s3:ListBucket\nResources: arn:aws:s3:::docs-bucket/*");
    JsonObject buttons = blocks.get(blocks.size() - 1).getAsJsonObject();
    assertThat(buttons.get("type").getAsString()).isEqualTo("actions");
    assertThat(buttons.getAsJsonArray("elements")).extracting(e -> e.getAsJsonObject().get("action_id")
        .getAsString() + "=" + e.getAsJsonObject().get("value").getAsString())
        .containsExactly("leasehold_approve=" + request.id(), "leasehold_deny=" + request.id());

    String click = slack.click("leasehold_approve", APPROVER, request.id());
    assertThat(slack.socket.awaitAck(click).keySet()).containsExactly("envelope_id");
    Map<String, String> viewsOpen = slack.awaitCalls("views.open", 1).get(0);
    assertThat(viewsOpen).containsEntry("trigger_id", SlackStandIn.triggerId(APPROVER));
    JsonObject modal = json(viewsOpen.get("view")).getAsJsonObject();
    assertThat(modal.get("private_metadata").getAsString()).isEqualTo(request.id());
    assertThat(inputBlocks(modal)).containsExactly("leasehold_mfa");

    String submit = slack.submit(APPROVER, request.id(), "402917", null);
    assertThat(slack.socket.awaitAck(submit).keySet()).containsExactly("envelope_id");

    assertThat(decision.get(10, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withCode(request.id(), APPROVER, MfaCode.of("402917")));
    Map<String, String> update = slack.awaitCalls("chat.update", 1).get(0);
    assertThat(update).containsEntry("channel", CHANNEL).containsEntry("ts", MESSAGE_TS);
    assertThat(texts(update.get("blocks")))
        .contains(new Text("mrkdwn", ":white_check_mark: *Approved* by <@" + APPROVER + "> at " + AT + "."));
    assertThat(update.get("blocks")).doesNotContain("leasehold_approve");
    assertThat(update.toString()).doesNotContain("402917");
  }

  @Test
  void denyDecidesAtOnceWithAnEmptyNote() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();

    slack.socket.awaitAck(slack.click("leasehold_deny", APPROVER, request.id()));

    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), APPROVER, ""));
    assertThat(texts(slack.awaitCalls("chat.update", 1).get(0).get("blocks"))).contains(new Text("mrkdwn",
        ":no_entry: *Denied* by <@" + APPROVER + "> at " + AT + ". The agent got no access."));
    assertThat(slack.calls("views.open")).isEmpty();
  }

  @Test
  void aNonApproverIsRefusedPrivatelyAndTheRequestStaysPendingForAnApprover() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();

    slack.socket.awaitAck(slack.click("leasehold_approve", STRANGER, request.id()));
    slack.socket.awaitAck(slack.submit(STRANGER, request.id(), "402917", null));

    List<Map<String, String>> refusals = slack.awaitCalls("chat.postEphemeral", 2);
    assertThat(refusals).allSatisfy(r -> assertThat(r)
        .containsEntry("channel", CHANNEL).containsEntry("user", STRANGER)
        .hasEntrySatisfying("text", t -> assertThat(t).contains("still pending")));
    assertThat(slack.calls("views.open")).isEmpty();
    assertThat(decision).isNotDone();

    slack.click("leasehold_deny", APPROVER, request.id());
    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), APPROVER, ""));
  }

  @Test
  void interactionsForAnotherRequestIdChangeNothing() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();

    slack.socket.awaitAck(slack.click("leasehold_approve", APPROVER, "req-stale"));
    slack.socket.awaitAck(slack.click("leasehold_deny", APPROVER, "req-stale"));
    slack.socket.awaitAck(slack.submit(APPROVER, "req-stale", "402917", null));

    slack.barrier(request.id());
    assertThat(slack.calls("views.open")).isEmpty();
    assertThat(decision).isNotDone();
    slack.submit(APPROVER, request.id(), "402917", null);
    assertThat(decision.get(10, TimeUnit.SECONDS)).isInstanceOf(Decision.Approved.class);
  }

  @Test
  void aRedeliveredEnvelopeIsAcknowledgedAgainButHandledOnce() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();
    JsonObject click = slack.clickPayload("leasehold_approve", APPROVER, request.id());

    slack.socket.sendInteractive("env-twice", click);
    slack.socket.awaitAck("env-twice");
    slack.socket.sendInteractive("env-twice", click);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> slack.socket.acks("env-twice").size() == 2);

    slack.barrier(request.id());
    assertThat(slack.calls("views.open")).hasSize(1);
    slack.click("leasehold_deny", APPROVER, request.id());
    decision.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDecidedRequestIgnoresReplayedInteractions() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    ApprovalRequest next = slack.request().build();
    CompletableFuture<Decision> nextDecision = slack.decideAsync(channel, next);
    slack.awaitCalls("chat.postMessage", 2);
    slack.click("leasehold_deny", APPROVER, request.id());
    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), APPROVER, ""));
    slack.awaitCalls("chat.update", 1);

    slack.submit(APPROVER, request.id(), "402917", null);
    slack.click("leasehold_approve", APPROVER, request.id());
    slack.click("leasehold_deny", APPROVER, request.id());

    slack.barrier(next.id());
    assertThat(slack.calls("views.open")).isEmpty();
    assertThat(slack.calls("chat.update")).hasSize(1);
    assertThat(nextDecision).isNotDone();
  }

  @Test
  void thePassingDeadlineExpiresTheRequestAndMarksTheMessage() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();

    slack.clock.advance(Duration.ofMinutes(2));

    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Expired(request.id()));
    assertThat(texts(slack.awaitCalls("chat.update", 1).get(0).get("blocks"))).contains(new Text("mrkdwn",
        ":hourglass: *Expired* at 2030-01-02T03:06:05Z (UTC): nobody decided before the deadline. "
            + "The agent got no access."));
  }

  @Test
  void theTimeoutCapsTheWaitWhenTheRequestDeadlineIsLater() throws Exception {
    SlackApprovalChannel channel = slack.channel(slack.builder().timeout(Duration.ofSeconds(30)));
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    assertThat(texts(slack.awaitPosted().get("blocks")))
        .contains(new Text("plain_text", "Decide by: 2030-01-02T03:04:35Z (UTC)"));

    slack.clock.advance(Duration.ofSeconds(30));

    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Expired(request.id()));
  }

  @Test
  void aProductionRoleNeedsTheRoleKeyAndAWellFormedCodeAndSaysWhyInTheModal() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().environment("prod").requiresRoleKeyConfirmation(true).build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    assertThat(texts(slack.awaitPosted().get("blocks"))).extracting(Text::text)
        .contains("PRODUCTION: AWS role request: s3-deploy", "Environment: prod (PRODUCTION)");
    slack.click("leasehold_approve", APPROVER, request.id());
    JsonObject modal = json(slack.awaitCalls("views.open", 1).get(0).get("view")).getAsJsonObject();
    assertThat(inputBlocks(modal)).containsExactly("leasehold_role_key", "leasehold_mfa");

    JsonObject refused = slack.socket.awaitAck(slack.submit(APPROVER, request.id(), "40291", "s3-deplo"));

    assertThat(refused.getAsJsonObject("payload").get("response_action").getAsString()).isEqualTo("errors");
    assertThat(refused.getAsJsonObject("payload").getAsJsonObject("errors").keySet())
        .containsExactlyInAnyOrder("leasehold_role_key", "leasehold_mfa");
    assertThat(decision).isNotDone();
    JsonObject accepted = slack.socket.awaitAck(slack.submit(APPROVER, request.id(), "402917", " s3-deploy "));
    assertThat(accepted.keySet()).containsExactly("envelope_id");
    assertThat(decision.get(10, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withCode(request.id(), APPROVER, MfaCode.of("402917")));
  }

  @Test
  void aRoleWithoutMfaIsApprovedWithoutACode() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().requiresMfa(false).build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();
    slack.click("leasehold_approve", APPROVER, request.id());
    assertThat(inputBlocks(json(slack.awaitCalls("views.open", 1).get(0).get("view")).getAsJsonObject()))
        .isEmpty();

    slack.submit(APPROVER, request.id(), null, null);

    assertThat(decision.get(10, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withoutCode(request.id(), APPROVER));
  }

  @Test
  void membersOfAnApproverUserGroupMayDecide() throws Exception {
    SlackApprovalChannel channel = slack.channel(slack.builder().approvers(List.of("S0APPROVERS")));
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();
    assertThat(slack.calls("usergroups.users.list")).singleElement()
        .satisfies(call -> assertThat(SlackStandIn.form(call)).containsEntry("usergroup", "S0APPROVERS"));

    slack.click("leasehold_deny", APPROVER, request.id());
    slack.awaitCalls("chat.postEphemeral", 1);
    slack.click("leasehold_deny", "U0GROUPIE", request.id());

    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), "U0GROUPIE", ""));
  }

  private static List<String> inputBlocks(JsonObject modal) {
    return modal.getAsJsonArray("blocks").asList().stream()
        .map(b -> b.getAsJsonObject())
        .filter(b -> "input".equals(b.get("type").getAsString()))
        .map(b -> b.get("block_id").getAsString())
        .toList();
  }
}
