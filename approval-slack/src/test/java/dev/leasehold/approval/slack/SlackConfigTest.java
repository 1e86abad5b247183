package dev.leasehold.approval.slack;

import static dev.leasehold.approval.slack.SlackStandIn.APP_TOKEN;
import static dev.leasehold.approval.slack.SlackStandIn.BOT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannelException.Kind;
import dev.leasehold.approval.ApprovalChannels;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings are checked before anything connects; problems name the setting and never the token. */
class SlackConfigTest {

  private final Map<String, String> config = new LinkedHashMap<>(Map.of(
      "botToken", BOT_TOKEN,
      "appToken", APP_TOKEN,
      "channel", "C0LEASEHOLD",
      "approvers", "U0APPROVER, S0APPROVERS",
      "timeout", "90s",
      "apiUrl", "http://localhost:1/api"));

  @Test
  void theProviderIsFoundByNameAndBuildsAChannelWithoutConnecting() {
    assertThat(ApprovalChannels.names(getClass().getClassLoader())).contains("slack");

    try (ApprovalChannel channel = ApprovalChannels.load("slack", config)) {
      assertThat(channel).isInstanceOf(SlackApprovalChannel.class);
      assertThat(channel.toString()).isEqualTo("SlackApprovalChannel[channel=C0LEASEHOLD, "
          + "approvers=[U0APPROVER, S0APPROVERS], timeout=PT1M30S, apiUrl=http://localhost:1/api/]");
    }
  }

  @ParameterizedTest
  @CsvSource({"45s, PT45S", "10m, PT10M", "2h, PT2H", "PT5M, PT5M"})
  void timeoutsAcceptShortAndIsoForms(String value, String expected) {
    config.put("timeout", value);

    try (ApprovalChannel channel = ApprovalChannels.load("slack", config)) {
      assertThat(channel.toString()).contains("timeout=" + expected);
    }
  }

  @Test
  void anUnknownKeyIsRejectedWithTheKnownOnes() {
    config.put("botTokn", "x");

    assertThat(loadFails()).hasMessage("Unknown Slack approval setting 'botTokn'; the settings are "
        + "apiUrl, appToken, approvers, botToken, channel, timeout");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "botToken | xoxp-1111111111-2222222222-CanaryUserToken | Setting 'botToken' is not a Slack bot token",
      "botToken | " + APP_TOKEN + " | Setting 'botToken' holds a Slack app-level token (xapp-...)",
      "appToken | " + BOT_TOKEN + " | Setting 'appToken' holds a Slack bot token (xoxb-...)",
      "appToken | xapp-Canary token with spaces | Setting 'appToken' is not a Slack app-level token",
      "appToken | '' | Setting 'appToken' is missing"})
  void malformedTokensAreNamedButNeverShown(String key, String value, String message) {
    config.put(key, value);

    ApprovalChannelException e = loadFails();

    assertThat(e).hasMessageStartingWith(message);
    assertThat(e.getMessage()).doesNotContain("Canary");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "approvers | alice | 'alice', which is neither a Slack user id",
      "approvers | ' ' | Setting 'approvers' is missing",
      "channel | '#leasehold approvals' | Setting 'channel' must be a Slack channel id",
      "timeout | soon | Setting 'timeout' must be a duration such as 10m",
      "timeout | 0s | Setting 'timeout' must be a positive duration",
      "apiUrl | ftp://slack.example/api/ | Setting 'apiUrl' must be an http(s) URL",
      "apiUrl | https://user:secret@slack.example/api/ | Setting 'apiUrl' must be an http(s) URL"})
  void badSettingsAreNamed(String key, String value, String message) {
    config.put(key, value);

    assertThat(loadFails()).hasMessageContaining(message);
  }

  @Test
  void missingRequiredSettingsAreNamed() {
    config.remove("channel");

    assertThat(loadFails()).hasMessageStartingWith("Setting 'channel' is missing");
    assertThat(catchThrowableOfType(ApprovalChannelException.class,
        () -> SlackApprovalChannel.builder().botToken(BOT_TOKEN).appToken(APP_TOKEN).channel("C0LEASEHOLD").build()))
        .hasMessageStartingWith("Setting 'approvers' is missing");
  }

  @Test
  void toBuilderKeepsEverySettingAndNoToStringShowsAToken() {
    SlackApprovalChannel.Builder builder = SlackApprovalChannel.builder().botToken(BOT_TOKEN).appToken(APP_TOKEN)
        .channel("C0LEASEHOLD").approvers(List.of("U0APPROVER")).timeout(Duration.ofMinutes(3));
    try (SlackApprovalChannel channel = builder.build();
        SlackApprovalChannel copy = channel.toBuilder().channel("C0OTHER").build()) {
      assertThat(copy.toString()).isEqualTo("SlackApprovalChannel[channel=C0OTHER, approvers=[U0APPROVER], "
          + "timeout=PT3M, apiUrl=https://slack.com/api/]");
      assertThat(List.of(builder.toString(), channel.toString(), channel.toBuilder().toString()))
          .allSatisfy(s -> assertThat(s).doesNotContain("Canary"));
    }
  }

  private ApprovalChannelException loadFails() {
    ApprovalChannelException e = catchThrowableOfType(ApprovalChannelException.class,
        () -> ApprovalChannels.load("slack", config));
    assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
    return e;
  }
}
