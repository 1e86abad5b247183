package dev.leasehold.approval.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.leasehold.approval.slack.SlackStandIn.APPROVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;


import ch.qos.logback.classic.Level;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
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
  @RegisterExtension
  final LogCapture logs = new LogCapture(Level.INFO);

  @Test
  void http429IsRetriedAfterRetryAfter() throws Exception {
    rateLimitOnce("1");
    ApprovalRequest request = slack.request().build();

    CompletableFuture<Decision> decision = slack.decideAsync(slack.channel(), request);

    await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postMessage").size() == 2);
    assertThat(slack.waits).containsExactly(Duration.ofSeconds(1));
    assertThat(slack.clock.instant()).isEqualTo(SlackStandIn.START.plusSeconds(1));
    assertDeniedOncePosted(request, decision);
  }

  @Test
  void aRetryAfterOfSevenSecondsIsWaitedBeforeTheSecondAttempt() throws Exception {
    rateLimitOnce("7");
    ApprovalRequest request = slack.request().build();

    CompletableFuture<Decision> decision = slack.decideAsync(slack.channel(), request);

    await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postMessage").size() == 2);
    assertThat(slack.waits).containsExactly(Duration.ofSeconds(7));
    assertThat(slack.clock.instant()).isEqualTo(SlackStandIn.START.plusSeconds(7));
    assertDeniedOncePosted(request, decision);
    assertThat(slack.calls("chat.postMessage")).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {"none", "soon", "-5"})
  void aRateLimitWithoutAUsableRetryAfterWaitsOneSecond(String retryAfter) throws Exception {
    rateLimitOnce(retryAfter);
    ApprovalRequest request = slack.request().build();

    CompletableFuture<Decision> decision = slack.decideAsync(slack.channel(), request);

    await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postMessage").size() == 2);
    assertThat(slack.waits).containsExactly(retryAfter == null || !retryAfter.startsWith("-")
        ? Duration.ofSeconds(1) : Duration.ZERO);
    assertDeniedOncePosted(request, decision);
  }

  @Test
  void aRetryAfterAtTheCapIsHonoured() throws Exception {
    rateLimitOnce("30");
    ApprovalRequest request = slack.request().build();

    CompletableFuture<Decision> decision = slack.decideAsync(slack.channel(), request);

    await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postMessage").size() == 2);
    assertThat(slack.waits).containsExactly(Duration.ofSeconds(30));
    assertDeniedOncePosted(request, decision);
  }

  @Test
  void aRetryAfterAboveTheCapFailsAtOnce() {
    rateLimitOnce("31");

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessage("Slack rate-limited chat.postMessage (HTTP 429, retry after 31 s) on attempt 1; "
        + "try again later");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(slack.waits).isEmpty();
  }

  @Test
  void aRateLimitThatLastsIsUnavailableAfterThreeAttempts() {
    slack.web.stubFor(post(urlEqualTo("/api/chat.postMessage")).willReturn(rateLimited("2")));

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("HTTP 429, retry after 2 s) on attempt 3; try again later");
    assertThat(slack.calls("chat.postMessage")).hasSize(3);
    assertThat(slack.waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  @Test
  void aRetryThatWouldEndAfterTheApprovalDeadlineIsNotMade() {
    slack.web.stubFor(post(urlEqualTo("/api/chat.postMessage")).willReturn(rateLimited("6")));
    SlackApprovalChannel channel = slack.channel(slack.builder().timeout(Duration.ofSeconds(10)));

    ApprovalChannelException e = catchThrowableOfType(ApprovalChannelException.class,
        () -> channel.decide(slack.request().build()));

    // the first wait (6 s) ends before the deadline (10 s); the second would end after it (12 s)
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("(HTTP 429, retry after 6 s) on attempt 2");
    assertThat(slack.calls("chat.postMessage")).hasSize(2);
    assertThat(slack.waits).containsExactly(Duration.ofSeconds(6));
  }

  @Test
  void aRetryAfterBeyondTheRequestsDeadlineFailsAtOnce() {
    rateLimitOnce("20");
    SlackApprovalChannel channel = slack.channel(slack.builder().timeout(Duration.ofSeconds(15)));

    ApprovalChannelException e = catchThrowableOfType(ApprovalChannelException.class,
        () -> channel.decide(slack.request().build()));

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("retry after 20 s) on attempt 1");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(slack.waits).isEmpty();
  }

  @Test
  void aRejectedBotTokenIsAConfigurationErrorAtFirstUse() {
    slack.stubError("chat.postMessage", "invalid_auth");

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
    assertThat(e).hasMessageContaining("chat.postMessage (invalid_auth)").hasMessageContaining("'botToken'");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(slack.waits).isEmpty();
    assertThat(e.getMessage()).doesNotContain(SlackStandIn.BOT_TOKEN, SlackStandIn.APP_TOKEN);
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
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(slack.waits).isEmpty();
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
    assertThat(e).hasMessageContaining("check the network, any proxy, and the 'apiUrl' setting");
    assertThat(e.getMessage()).doesNotContain(SlackStandIn.BOT_TOKEN, SlackStandIn.APP_TOKEN);
    assertBackedOffTwice();
  }

  @Test
  void serverErrorsAreRetriedThenUnavailable() {
    slack.stubStatus("chat.postMessage", 503);

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("HTTP 503");
    assertThat(slack.calls("chat.postMessage")).hasSize(3);
    assertThat(e).hasMessageContaining("on attempt 3; try again later");
    assertBackedOffTwice();
  }

  @Test
  void transientSlackErrorsAreRetriedThenUnavailable() {
    slack.stubError("chat.postMessage", "internal_error");

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("Slack refused chat.postMessage (internal_error)");
    assertThat(slack.calls("chat.postMessage")).hasSize(3);
    assertBackedOffTwice();
  }

  @Test
  void anUnknownMethodIsAConfigurationErrorAndNotRetried() {
    slack.stubStatus("chat.postMessage", 404);

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
    assertThat(e).hasMessageContaining("(HTTP 404): check the 'apiUrl' setting");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(slack.waits).isEmpty();
  }

  @Test
  void otherClientErrorsAreNotRetried() {
    slack.stubStatus("chat.postMessage", 400);

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessage("Slack answered HTTP 400 to chat.postMessage on attempt 1; try again later");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(slack.waits).isEmpty();
  }

  @Test
  void anInterruptedWaitEndsTheCallAndKeepsTheInterrupt() {
    slack.stubStatus("chat.postMessage", 503);
    SlackApprovalChannel channel = slack.channel(slack.builder().sleeper(wait -> {
      throw new InterruptedException();
    }));

    ApprovalChannelException e = catchThrowableOfType(ApprovalChannelException.class,
        () -> channel.decide(slack.request().build()));

    assertThat(Thread.interrupted()).isTrue();
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessage("Interrupted while waiting to retry Slack chat.postMessage");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
  }

  @Test
  void aSocketModeServerThatNeverSaysHelloIsUnavailable() {
    slack.stubOk("apps.connections.open", "{\"ok\":true,\"url\":\"ws://localhost:1/\"}");

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("no Socket Mode hello (the connection failed");
    assertThat(slack.calls("chat.postMessage")).isEmpty();
  }

  /**
   * Denies the request once the channel has it posted (a click that arrives while the post is still in flight
   * is ignored, as Slack cannot send it then), and checks that the decision is the denial.
   */
  private void assertDeniedOncePosted(ApprovalRequest request, CompletableFuture<Decision> decision)
      throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains("to approve request " + request.id()));
    slack.click("leasehold_deny", APPROVER, request.id());
    assertThat(decision.get(10, TimeUnit.SECONDS)).isInstanceOf(Decision.Denied.class);
  }

  /** Backoff with jitter: about 250 ms, then about 500 ms (each within 20 %). */
  private void assertBackedOffTwice() {
    assertThat(slack.waits).hasSize(2);
    assertThat(slack.waits.get(0)).isBetween(Duration.ofMillis(200), Duration.ofMillis(300));
    assertThat(slack.waits.get(1)).isBetween(Duration.ofMillis(400), Duration.ofMillis(600));
  }

  /** Answers the first {@code chat.postMessage} with HTTP 429 and {@code Retry-After} (none if null). */
  private void rateLimitOnce(String retryAfter) {
    slack.web.stubFor(post(urlEqualTo("/api/chat.postMessage")).inScenario("rate limit")
        .whenScenarioStateIs(STARTED).willSetStateTo("limited").willReturn(rateLimited(retryAfter)));
  }

  private static ResponseDefinitionBuilder rateLimited(String retryAfter) {
    ResponseDefinitionBuilder response = aResponse().withStatus(429)
        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}");
    return retryAfter == null ? response : response.withHeader("Retry-After", retryAfter);
  }

  private ApprovalChannelException decideFails() {
    return catchThrowableOfType(ApprovalChannelException.class,
        () -> slack.channel().decide(slack.request().build()));
  }
}
