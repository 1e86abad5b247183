package dev.leasehold.approval.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.leasehold.approval.slack.SlackStandIn.APPROVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannelException.Kind;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlackFailureTest {

  @RegisterExtension
  final SlackStandIn slack = new SlackStandIn();

  @Test
  void http429IsRetriedAfterRetryAfter() throws Exception {
    slack.web.stubFor(post(urlEqualTo("/api/chat.postMessage")).inScenario("rate limit")
        .whenScenarioStateIs(STARTED).willSetStateTo("limited")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
            .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}")));
    ApprovalRequest request = slack.request().build();

    CompletableFuture<Decision> decision = slack.decideAsync(slack.channel(), request);

    await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postMessage").size() == 2);
    List<LoggedRequest> posts = slack.calls("chat.postMessage");
    long gapMillis = posts.get(1).getLoggedDate().getTime() - posts.get(0).getLoggedDate().getTime();
    assertThat(gapMillis).isBetween(900L, 5_000L);
    slack.click("leasehold_deny", APPROVER, request.id());
    assertThat(decision.get(10, TimeUnit.SECONDS)).isInstanceOf(Decision.Denied.class);
  }

  @Test
  void aRejectedBotTokenIsAConfigurationErrorAtFirstUse() {
    slack.stubError("chat.postMessage", "invalid_auth");

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
    assertThat(e).hasMessageContaining("chat.postMessage (invalid_auth)").hasMessageContaining("'botToken'");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
  }

  @Test
  void aRejectedAppTokenIsAConfigurationErrorAtFirstUse() {
    slack.stubError("apps.connections.open", "invalid_auth");

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
    assertThat(e).hasMessageContaining("apps.connections.open (invalid_auth)").hasMessageContaining("'appToken'");
    assertThat(slack.calls("chat.postMessage")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "channel_not_found, 'channel' setting",
      "not_in_channel, invite it there",
      "is_archived, check the app's scopes"})
  void channelProblemsAreConfigurationErrors(String error, String advice) {
    slack.stubError("chat.postMessage", error);

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
    assertThat(e).hasMessageContaining("(" + error + ")").hasMessageContaining(advice);
  }

  @Test
  void aMissingScopeNamesTheScope() {
    slack.stubOk("usergroups.users.list",
        "{\"ok\":false,\"error\":\"missing_scope\",\"needed\":\"usergroups:read\",\"provided\":\"chat:write\"}");

    ApprovalChannelException e = catchThrowableOfType(ApprovalChannelException.class, () ->
        slack.channel(slack.builder().approvers(List.of("S0APPROVERS"))).decide(slack.request().build()));

    assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
    assertThat(e).hasMessageContaining("'usergroups:read'");
  }

  @Test
  void networkFailuresAreRetriedABoundedNumberOfTimesThenUnavailable() {
    slack.web.stubFor(post(urlEqualTo("/api/chat.postMessage"))
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("chat.postMessage after 3 attempts");
    assertThat(slack.calls("chat.postMessage")).hasSize(3);
  }

  @Test
  void serverErrorsAreRetriedThenUnavailable() {
    slack.stubStatus("chat.postMessage", 503);

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("HTTP 503");
    assertThat(slack.calls("chat.postMessage")).hasSize(3);
  }

  @Test
  void aSocketModeServerThatNeverSaysHelloIsUnavailable() {
    slack.stubOk("apps.connections.open", "{\"ok\":true,\"url\":\"ws://localhost:1/\"}");

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("no Socket Mode hello (the connection failed");
    assertThat(slack.calls("chat.postMessage")).isEmpty();
  }

  private ApprovalChannelException decideFails() {
    return catchThrowableOfType(ApprovalChannelException.class,
        () -> slack.channel().decide(slack.request().build()));
  }
}
