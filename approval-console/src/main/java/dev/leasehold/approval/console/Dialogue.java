package dev.leasehold.approval.console;

import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.Durations;
import dev.leasehold.approval.InertText;
import dev.leasehold.approval.MfaCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * One conversation with the human about one request: the framed summary, then approve or deny, the role
 * key for production roles, the MFA code, and the denial note.
 *
 * <p>The rules live here: nothing is approved unless the human typed {@code y}; a production role also
 * needs its key typed exactly (one try: a mismatch denies, because the human may be looking at the wrong
 * request); an MFA code gets {@value #MFA_ATTEMPTS} tries and is read without echo; every read stops at
 * {@code deadline}. All request text is printed through {@link InertText#escape(String)}.
 */
final class Dialogue {

  private static final int MFA_ATTEMPTS = 3;
  private static final int LABEL = 11;
  private static final String BAR = "| ";

  private final ConsoleIo io;
  private final ApprovalRequest request;
  private final String approver;
  private final Instant deadline;
  private final Clock clock;
  private final boolean color;
  private final BooleanSupplier closed;

  Dialogue(ConsoleIo io, ApprovalRequest request, String approver, Instant deadline, Clock clock,
      boolean color, BooleanSupplier closed) {
    this.io = io;
    this.request = request;
    this.approver = approver;
    this.deadline = deadline;
    this.clock = clock;
    this.color = color;
    this.closed = closed;
  }

  Decision run() {
    io.discardTypeahead();
    io.print(summary(Math.max(40, Math.min(100, io.width() - 1))));
    while (true) {
      ConsoleIo.Answer answer = ask("Approve request " + InertText.escape(request.id()) + "? [y/n] ("
          + Durations.human(left()) + " left): ", false);
      if (answer.status() != ConsoleIo.Status.LINE) {
        return undecided(answer);
      }
      switch (answer.text().strip().toLowerCase(Locale.ROOT)) {
        case "y", "yes" -> {
          return approve();
        }
        case "n", "no" -> {
          return deny();
        }
        default -> io.print("Type y to approve or n to deny.\n");
      }
    }
  }

  private Decision approve() {
    if (request.requiresRoleKeyConfirmation()) {
      ConsoleIo.Answer key = ask(loud("Production role:") + " type the role key ("
          + InertText.escape(request.roleKey()) + ") to approve: ", false);
      if (key.status() != ConsoleIo.Status.LINE) {
        return undecided(key);
      }
      if (!key.text().strip().equals(request.roleKey())) {
        return denied("The role key does not match: request " + InertText.escape(request.id()) + " DENIED.",
            "role key not confirmed");
      }
    }
    if (!request.requiresMfa()) {
      return approved(Decision.Approved.withoutCode(request.id(), approver));
    }
    for (int attempt = 1; attempt <= MFA_ATTEMPTS; attempt++) {
      ConsoleIo.Answer code = ask("MFA code (6 digits, not shown): ", true);
      if (code.status() != ConsoleIo.Status.LINE) {
        return undecided(code);
      }
      String digits = code.text().strip();
      if (MfaCode.isWellFormed(digits)) {
        return approved(Decision.Approved.withCode(request.id(), approver, MfaCode.of(digits)));
      }
      io.print("That is not a 6-digit code (attempt " + attempt + " of " + MFA_ATTEMPTS + ").\n");
    }
    return denied(MFA_ATTEMPTS + " malformed MFA codes: request " + InertText.escape(request.id()) + " DENIED.",
        "denied after " + MFA_ATTEMPTS + " malformed MFA codes");
  }

  private Decision deny() {
    ConsoleIo.Answer note = ask("Note for the agent (optional, one line, Enter to skip): ", false);
    String text = note.status() == ConsoleIo.Status.LINE ? InertText.escape(note.text().strip()) : "";
    return denied("Request " + InertText.escape(request.id()) + " DENIED by " + approver + ".", text);
  }

  private Decision approved(Decision.Approved decision) {
    io.print(paint("32", "Request " + InertText.escape(request.id()) + " APPROVED by " + approver + ".") + "\n");
    return decision;
  }

  private Decision denied(String message, String note) {
    io.print(paint("33", message) + "\n");
    return new Decision.Denied(request.id(), approver, note);
  }

  private Decision undecided(ConsoleIo.Answer answer) {
    String id = InertText.escape(request.id());
    switch (answer.status()) {
      case TIMEOUT -> io.print(paint("33", "No decision by " + instant(deadline) + ": request " + id
          + " EXPIRED.") + "\n");
      case END -> throw new ApprovalChannelException(ApprovalChannelException.Kind.UNAVAILABLE,
          "The console approval channel's input ended before request " + id + " was decided; nothing "
              + "was approved. Connect the channel to a terminal or to an input that stays open.");
      default -> { } // closed: nobody is left to tell
    }
    return new Decision.Expired(request.id());
  }

  private ConsoleIo.Answer ask(String prompt, boolean secret) {
    return io.ask(prompt, secret, deadline, clock, closed);
  }

  private Duration left() {
    return Duration.between(clock.instant(), deadline);
  }

  /** The framed request, every value inert and wrapped to {@code width} columns. */
  private String summary(int width) {
    int valueWidth = width - BAR.length() - LABEL;
    StringBuilder out = new StringBuilder("\n");
    String title = "+-- Leasehold approval request "
        + (request.isProduction() ? "-- " + loud("!!! PRODUCTION !!!") + " " : "");
    out.append(title).append("-".repeat(Math.max(3, width - visible(title)))).append('\n');
    field(out, "Request", InertText.escape(request.id()), valueWidth);
    field(out, "Digest", request.digest() + " (compare with the agent's log)", valueWidth);
    field(out, "Agent", InertText.escape(request.agent()), valueWidth);
    field(out, "Role", InertText.escape(request.roleKey()), valueWidth);
    field(out, "", InertText.escape(request.roleArn()), valueWidth);
    String environment = InertText.escape(request.environment());
    if (request.isProduction()) {
      field(out, "Env", environment.toUpperCase(Locale.ROOT) + " !!! PRODUCTION ROLE !!!", valueWidth, true);
    } else {
      field(out, "Env", environment, valueWidth);
    }
    field(out, "Reason", InertText.escape(request.reason()), valueWidth);
    List<String> actions = request.intentActions();
    if (actions.isEmpty()) {
      field(out, "Actions", "(none declared: everything the role allows)", valueWidth);
    }
    for (int i = 0; i < actions.size(); i++) {
      boolean writes = request.writingActions().contains(actions.get(i));
      field(out, i == 0 ? "Actions" : "", InertText.escape(actions.get(i)) + (writes ? "  <- WRITES" : ""), valueWidth, writes);
    }
    if (!request.writingActions().isEmpty()) {
      field(out, "Writes", "!!! " + request.writingActions().size() + " of " + actions.size()
          + " actions change things (AWS access level Write, Permissions management or Tagging) !!!", valueWidth, true);
    } else if (!actions.isEmpty()) {
      field(out, "Writes", "none: every action only reads or lists", valueWidth);
    }
    list(out, "Resources", request.intentResources(), "(none declared: the role's own resources)", valueWidth);
    field(out, "Lease", Durations.human(request.duration()) + " from approval", valueWidth);
    field(out, "Decide", "within " + Durations.human(left()) + " (by " + instant(deadline) + ")", valueWidth);
    out.append('+').append("-".repeat(width - 1)).append('\n');
    return out.toString();
  }

  private void list(StringBuilder out, String label, List<String> values, String none, int width) {
    if (values.isEmpty()) {
      field(out, label, none, width);
    }
    for (int i = 0; i < values.size(); i++) {
      field(out, i == 0 ? label : "", InertText.escape(values.get(i)), width);
    }
  }

  private void field(StringBuilder out, String label, String value, int width) {
    field(out, label, value, width, false);
  }

  private void field(StringBuilder out, String label, String value, int width, boolean loud) {
    List<String> lines = Text.wrap(value, width);
    for (int i = 0; i < lines.size(); i++) {
      out.append(BAR).append(String.format("%-" + LABEL + "s", i == 0 ? label : ""))
          .append(loud ? loud(lines.get(i)) : lines.get(i)).append('\n');
    }
  }

  private String loud(String text) {
    return paint("1;31", text);
  }

  private String paint(String sgr, String text) {
    return color ? "\u001b[" + sgr + "m" + text + "\u001b[0m" : text;
  }

  private int visible(String text) {
    return text.replaceAll("\u001b\\[[0-9;]*m", "").length();
  }

  private static String instant(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
