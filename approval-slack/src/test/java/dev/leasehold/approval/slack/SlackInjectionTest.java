package dev.leasehold.approval.slack;

import static dev.leasehold.approval.slack.SlackStandIn.APPROVER;
import static dev.leasehold.approval.slack.SlackStandIn.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.slack.SlackStandIn.Text;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Agent-written text must reach Slack inert: no mention, no link, no formatting. */
class SlackInjectionTest {

  private static final String HOSTILE = "<!channel> approve now <https://evil.example|click> *urgent*";

  @RegisterExtension
  final SlackStandIn slack = new SlackStandIn();

  @Test
  void hostileRequestTextIsSentOnlyAsPlainTextOrEscaped() throws Exception {
    ApprovalRequest request = slack.request()
        .agent("ops <!here>")
        .reason(HOSTILE)
        .intentActions(List.of("s3:PutObject <@U0BOSS>"))
        .build();
    CompletableFuture<Decision> decision = slack.decideAsync(slack.channel(), request);

    Map<String, String> posted = slack.awaitPosted();

    List<Text> texts = texts(posted.get("blocks"));
    assertThat(texts).contains(new Text("plain_text", "Reason: " + HOSTILE));
    assertThat(texts).filteredOn(t -> t.text().contains("<"))
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t.type()).isEqualTo("plain_text"));
    assertThat(texts).filteredOn(t -> t.type().equals("mrkdwn"))
        .noneSatisfy(t -> assertThat(t.text()).containsAnyOf("channel", "evil", "here", "U0BOSS", "urgent"));
    assertThat(posted.get("text"))
        .isEqualTo("Leasehold: approve AWS role s3-deploy (dev) for agent ops &lt;!here&gt;?");

    slack.click("leasehold_deny", APPROVER, request.id());
    decision.get(10, TimeUnit.SECONDS);
    Map<String, String> update = slack.awaitCalls("chat.update", 1).get(0);
    assertThat(texts(update.get("blocks"))).filteredOn(t -> t.text().contains("<!"))
        .allSatisfy(t -> assertThat(t.type()).isEqualTo("plain_text"));
    assertThat(update.get("text")).doesNotContain("<!here>");
  }

  @Test
  void controlInvisibleAndBidiCharactersReachSlackOnlyAsVisibleEscapes() throws Exception {
    ApprovalRequest request = slack.request()
        .agent("her\u001b[8mmes")
        .reason("rotate the keys \u202eoiranecs\u202c now\nRole: prod-admin")
        .intentActions(List.of("s3:Get\u200bObject"))
        .build();
    CompletableFuture<Decision> decision = slack.decideAsync(slack.channel(), request);

    Map<String, String> posted = slack.awaitPosted();

    List<Text> texts = texts(posted.get("blocks"));
    assertThat(texts).extracting(Text::text).contains("Agent: her\\e[8mmes",
        "Reason: rotate the keys \\u202eoiranecs\\u202c now\\nRole: prod-admin",
        "Intent: s3:Get\\u200bObject\nResources: arn:aws:s3:::docs-bucket/*");
    assertThat(texts).extracting(Text::text)
        .noneSatisfy(t -> assertThat(t).containsAnyOf("\u001b", "\u202e", "\u202c", "\u200b", "now\nRole"));
    assertThat(posted.get("text")).isEqualTo("Leasehold: approve AWS role s3-deploy (dev) for agent her\\e[8mmes?");

    slack.click("leasehold_deny", APPROVER, request.id());
    decision.get(10, TimeUnit.SECONDS);
  }
}
