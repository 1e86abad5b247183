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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SlackFailureTest {

  @RegisterExtension
  final SlackStandIn slack = new SlackStandIn();
  @RegisterExtension
  final LogCapture logs = new LogCapture(Level.INFO);

  /** Slack's Retry-After is waited (on the clock), up to the cap; a missing or unreadable one counts as 1 s. */
  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {"1, 1", "7, 7", "30, 30", "none, 1", "soon, 1", "-5, 0"})
  void http429IsRetriedAfterRetryAfter(String retryAfter, long waitSeconds) throws Exception {
    rateLimitOnce(retryAfter);
    ApprovalRequest request = slack.request().build();

    CompletableFuture<Decision> decision = slack.decideAsync(slack.channel(), request);

    await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postMessage").size() == 2);
    assertThat(slack.waits).containsExactly(Duration.ofSeconds(waitSeconds));
    assertThat(slack.clock.instant()).isEqualTo(SlackStandIn.START.plusSeconds(waitSeconds));
    assertDeniedOncePosted(request, decision);
    assertThat(slack.calls("chat.postMessage")).hasSize(2);
  }

  @Test
  void aRetryAfterAboveTheCapFailsAtOnce() {
    rateLimitOnce("31");

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessage("Slack rate-limited chat.postMessage (HTTP 429, retry after 31s) on attempt 1; "
        + "try again later");
    assertThat(slack.calls("chat.postMessage")).hasSize(1);
    assertThat(slack.waits).isEmpty();
  }

  @Test
  void aRateLimitThatLastsIsUnavailableAfterThreeAttempts() {
    slack.web.stubFor(post(urlEqualTo("/api/chat.postMessage")).willReturn(rateLimited("2")));

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("HTTP 429, retry after 2s) on attempt 3; try again later");
    assertThat(slack.calls("chat.postMessage")).hasSize(3);
    assertThat(slack.waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  /**
   * Slack keeps answering 429 with {@code Retry-After}; the channel's timeout makes the approval's deadline.
   * 6 s within 10 s: the first wait ends before the deadline, the second would end after it (12 s).
   * 20 s within 15 s: already the first wait would end after it.
   */
  @ParameterizedTest
  @CsvSource({"6, 10, 2", "20, 15, 1"})
  void aRetryThatWouldEndAfterTheApprovalDeadlineIsNotMade(int retryAfter, int timeoutSeconds, int attempts) {
    slack.web.stubFor(post(urlEqualTo("/api/chat.postMessage")).willReturn(rateLimited(String.valueOf(retryAfter))));
    SlackApprovalChannel channel = slack.channel(slack.builder().timeout(Duration.ofSeconds(timeoutSeconds)));

    ApprovalChannelException e = catchThrowableOfType(ApprovalChannelException.class,
        () -> channel.decide(slack.request().build()));

    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("(HTTP 429, retry after " + retryAfter + "s) on attempt " + attempts);
    assertThat(slack.calls("chat.postMessage")).hasSize(attempts);
    assertThat(slack.waits).isEqualTo(Collections.nCopies(attempts - 1, Duration.ofSeconds(retryAfter)));
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

  /** Slack's transient error codes in an HTTP 200 answer: backed off like a 5xx, then the code is named. */
  @ParameterizedTest
  @ValueSource(strings = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})
  void transientSlackErrorsAreRetriedThenUnavailable(String error) {
    slack.stubError("chat.postMessage", error);

    ApprovalChannelException e = decideFails();

    assertBackedOffTwice();
    assertThat(slack.calls("chat.postMessage")).hasSize(3);
    assertThat(e).hasMessageStartingWith("Slack refused chat.postMessage (" + error + ")")
        .extracting(ApprovalChannelException::kind).isEqualTo(Kind.UNAVAILABLE);
  }

  @ParameterizedTest
  @CsvSource({
      "404, CONFIGURATION, '(HTTP 404): check the ''apiUrl'' setting'",
      "400, UNAVAILABLE, 'Slack answered HTTP 400 to chat.postMessage on attempt 1; try again later'"})
  void clientErrorsOtherThanRateLimitsAreNotRetried(int status, Kind kind, String message) {
    slack.stubStatus("chat.postMessage", status);

    ApprovalChannelException e = decideFails();

    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e).hasMessageContaining(message);
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
