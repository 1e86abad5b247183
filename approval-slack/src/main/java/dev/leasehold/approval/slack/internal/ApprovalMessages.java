package dev.leasehold.approval.slack.internal;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.view.View;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.DecisionRelay;
import dev.leasehold.approval.Durations;
import dev.leasehold.approval.InertText;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Block Kit that approvers see: the request message, its outcome, and the approval modal.
 *
 * <p>The rule: agent-written and request text only ever goes into {@code plain_text} objects (with emoji
 * parsing off), which Slack never parses as mrkdwn, so it cannot mention anyone, link anywhere or format
 * anything; it is also made inert first ({@link InertText#escape(String)}, the rule core refuses requests by),
 * so no control, invisible or bidirectional character reaches the approver. The few mrkdwn strings hold only this class's own words and Slack ids checked against
 * {@link Settings#USER_ID}; {@link #escape(String)} is applied to anything else that reaches mrkdwn, such
 * as the notification text. The MFA code never appears here. Stateless.
 */
final class ApprovalMessages {

  static final String DECISION_BLOCK = "leasehold_decision";
  static final String APPROVE = "leasehold_approve";
  static final String DENY = "leasehold_deny";
  static final String MODAL = "leasehold_approve_modal";
  static final String MFA_BLOCK = "leasehold_mfa";
  static final String MFA_INPUT = "code";
  static final String ROLE_KEY_BLOCK = "leasehold_role_key";
  static final String ROLE_KEY_INPUT = "role_key";

  private static final int HEADER_MAX = 150;
  private static final int FIELD_MAX = 2000;
  private static final int SECTION_MAX = 3000;

  private ApprovalMessages() {}

  /** Escapes mrkdwn's control characters, so text cannot form a mention, a link or a command. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The notification text (shown where blocks are not): role and environment only, escaped. */
  static String notification(ApprovalRequest request) {
    return escape("Leasehold: approve AWS role " + shown(request.roleKey()) + " (" + shown(request.environment())
        + ") for agent " + shown(request.agent()) + "?");
  }

  /**
   * The approval message: the request's details, then Approve and Deny buttons whose value is the
   * request id, which is the only request a click can decide.
   */
  static List<LayoutBlock> request(ApprovalRequest request, Instant deadline) {
    List<LayoutBlock> blocks = details(request, deadline);
    blocks.add(actions(a -> a.blockId(DECISION_BLOCK).elements(List.of(
        button(b -> b.actionId(APPROVE).value(request.id()).style("primary").text(plain("Approve"))),
        button(b -> b.actionId(DENY).value(request.id()).style("danger").text(plain("Deny")))))));
    return blocks;
  }

  /** The message after the decision: the same details, the buttons replaced by {@code outcome}. */
  static List<LayoutBlock> outcome(ApprovalRequest request, Instant deadline, String outcome) {
    List<LayoutBlock> blocks = details(request, deadline);
    blocks.add(section(s -> s.blockId(DECISION_BLOCK).text(markdownText(outcome))));
    return blocks;
  }

  static String approved(String approver, Instant at) {
    return ":white_check_mark: *Approved* by " + mention(approver) + " at " + time(at) + ".";
  }

  static String denied(String approver, Instant at) {
    return ":no_entry: *Denied* by " + mention(approver) + " at " + time(at) + ". The agent got no access.";
  }

  static String unshared(Instant at) {
    return ":warning: *Not decided* at " + time(at) + ": the broker could not share this request with the other "
        + "brokers of the fleet, so it was withdrawn. The agent got no access.";
  }

  static String expired(Instant at, boolean closed) {
    return ":hourglass: *Expired* at " + time(at) + (closed
        ? ": the approval channel was closed before anyone decided."
        : ": nobody decided before the deadline.") + " The agent got no access.";
  }

  /** The modal that Approve opens: the code field and, for production roles, the role key field. */
  static View approvalModal(ApprovalRequest request) {
    return approvalModal(DecisionRelay.RelayedRequest.of(request, "", "", request.decideBy()));
  }

  /**
   * The modal that Approve opens, from the facts of a request, which may have been posted by another
   * broker of the fleet: the code field and, for production roles, the role key field.
   */
  static View approvalModal(DecisionRelay.RelayedRequest request) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(section(s -> s.text(plain(limit("Role " + shown(request.roleKey()) + " ("
        + shown(request.environment()) + "), request " + shown(request.requestId()) + ", digest "
        + shown(request.digest())
        + ". Compare the digest with the agent's log before you approve.", SECTION_MAX)))));
    if (request.requiresRoleKeyConfirmation()) {
      blocks.add(input(i -> i.blockId(ROLE_KEY_BLOCK)
          .label(plain("Production role: type the role key to confirm"))
          .element(plainTextInput(p -> p.actionId(ROLE_KEY_INPUT).maxLength(256)))));
    }
    if (request.requiresMfa()) {
      blocks.add(input(i -> i.blockId(MFA_BLOCK)
          .label(plain("MFA code"))
          .hint(plain(limit("The current 6-digit code of the MFA device of agent " + shown(request.agent()) + ".",
              FIELD_MAX)))
          .element(plainTextInput(p -> p.actionId(MFA_INPUT).minLength(6).maxLength(6)
              .placeholder(plain("6 digits"))))));
    } else {
      blocks.add(section(s -> s.text(plain("This role needs no MFA code. Approve to grant the lease."))));
    }
    return view(v -> v.type("modal").callbackId(MODAL).privateMetadata(request.requestId())
        .title(viewTitle(t -> t.type("plain_text").text("Approve AWS role")))
        .submit(viewSubmit(t -> t.type("plain_text").text("Approve")))
        .close(viewClose(t -> t.type("plain_text").text("Cancel")))
        .blocks(blocks));
  }

  private static List<LayoutBlock> details(ApprovalRequest request, Instant deadline) {
    boolean prod = request.isProduction();
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plain(limit((prod ? "PRODUCTION: " : "") + "AWS role request: "
        + shown(request.roleKey()), HEADER_MAX)))));
    if (prod) {
      blocks.add(section(s -> s.text(markdownText(":rotating_light: *Production role.* "
          + "Approving asks you to type the role key."))));
    }
    List<TextObject> fields = List.of(
        field("Environment: " + shown(request.environment()) + (prod ? " (PRODUCTION)" : "")),
        field("Role: " + shown(request.roleKey())),
        field("Agent: " + shown(request.agent())),
        field("Lease: " + Durations.human(request.duration())),
        field("Request id: " + shown(request.id())),
        field("Digest: " + shown(request.digest())),
        field("Decide by: " + time(deadline)));
    blocks.add(section(s -> s.fields(fields)));
    blocks.add(text("Role ARN: " + shown(request.roleArn())));
    blocks.add(text("Reason: " + shown(request.reason())));
    String intent = request.intentActions().isEmpty()
        ? "none declared; the lease carries all of the role's permissions"
        : shown(request.intentActions());
    blocks.add(text("Intent: " + intent + (request.intentResources().isEmpty()
        ? "" : "\nResources: " + shown(request.intentResources()))));
    if (!request.writingActions().isEmpty()) {
      blocks.add(section(s -> s.text(markdownText(limit(":warning: *WRITES:* " + request.writingActions().size() + " of "
          + request.intentActions().size() + " actions change things: " + escape(shown(request.writingActions())),
          SECTION_MAX)))));
    } else if (!request.intentActions().isEmpty()) {
      blocks.add(text("Writes: none; every action only reads or lists."));
    }
    return blocks;
  }

  /** Request text as approvers see it: inert by the SPI's one rule ({@link InertText#escape(String)}). */
  private static String shown(String text) {
    return InertText.escape(text);
  }

  private static String shown(List<String> texts) {
    return texts.stream().map(InertText::escape).collect(Collectors.joining(", "));
  }

  private static String mention(String user) {
    return Settings.USER_ID.matcher(user).matches() ? "<@" + user + ">" : escape(user);
  }

  private static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS) + " (UTC)";
  }

  private static LayoutBlock text(String text) {
    return section(s -> s.text(plain(limit(text, SECTION_MAX))));
  }

  private static TextObject field(String text) {
    return plain(limit(text, FIELD_MAX));
  }

  private static PlainTextObject plain(String text) {
    return plainText(p -> p.text(text).emoji(false));
  }

  private static String limit(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
  }
}
