package dev.leasehold.approval.slack;

import static dev.leasehold.approval.slack.SlackStandIn.APPROVER;
import static dev.leasehold.approval.slack.SlackStandIn.APP_TOKEN;
import static dev.leasehold.approval.slack.SlackStandIn.BOT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import dev.leasehold.approval.ApprovalChannels;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plants known tokens and an MFA code, runs the channel through success and failure, and searches for them. */
class SlackLeakTest {

  private static final String CODE = "731902";
  private static final String WRONG_CODE = "73190x";

  @RegisterExtension
  final LogCapture logs = new LogCapture(Level.TRACE);

  @RegisterExtension
  final SlackStandIn slack = new SlackStandIn();

  @Test
  void tokensAndTheCodeAppearInNoLogMessageOrToString() throws Exception {
    List<String> seen = new ArrayList<>();
    SlackApprovalChannel channel = slack.channel();
    seen.add(channel.toString());
    seen.add(channel.toBuilder().toString());
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();
    slack.socket.sendDisconnect(); // the SDK reconnects with the app token, logging at every level
    slack.awaitCalls("apps.connections.open", 2);
    // chat.postMessage reaching the stand-in does not mean the channel has read its answer yet (until then the
    // request is not pending and a click is ignored), so click again until the modal opens.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(250)).until(() -> {
          slack.click("leasehold_approve", APPROVER, request.id());
          return !slack.calls("views.open").isEmpty();
        });
    seen.add(slack.socket.awaitAck(slack.submit(APPROVER, request.id(), WRONG_CODE, null)).toString());
    slack.socket.awaitAck(slack.submit(APPROVER, request.id(), CODE, null));
    Decision approved = decision.get(10, TimeUnit.SECONDS);
    seen.add(approved.toString());
    slack.awaitCalls("chat.update", 1).forEach(call -> seen.add(call.toString()));

    slack.stubError("chat.postMessage", "invalid_auth");
    seen.add(describe(catchThrowable(() -> channel.decide(slack.request().build()))));
    slack.stubError("apps.connections.open", "invalid_auth");
    seen.add(describe(catchThrowable(() -> slack.channel().decide(slack.request().build()))));
    Map<String, String> config = slack.config();
    config.put("botToken", APP_TOKEN);
    seen.add(describe(catchThrowable(() -> ApprovalChannels.load("slack", config))));
    config.put("botToken", BOT_TOKEN);
    config.put("appToken", APP_TOKEN + "!");
    seen.add(describe(catchThrowable(() -> ApprovalChannels.load("slack", config))));
    channel.close();
    seen.add(logs.text());

    assertThat(logs.size()).isGreaterThan(10);
    assertThat(String.join("\n", seen))
        .doesNotContain(BOT_TOKEN, APP_TOKEN, "CanaryBotTokenValue", "CanaryAppTokenValue", CODE, WRONG_CODE);
  }

  private static String describe(Throwable thrown) {
    assertThat(thrown).isNotNull();
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    return thrown + "\n" + trace;
  }
}
