package dev.leasehold.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leasehold.testing.AwsWire;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * STS on WireMock, for tests that need WireMock's request matching, scenarios or network faults: the bodies are
 * leasehold-testing's {@link AwsWire} (the one copy of the STS wire format), answered to form-encoded
 * {@code Action=AssumeRole} requests with STS's status codes. Tests that need no WireMock feature use
 * {@link dev.leasehold.testing.AwsStandIn} instead.
 */
public final class StsStub {
  public static final String NS = AwsWire.STS_NAMESPACE;
  /** Planted secrets: a leak test searches every output for them. */
  public static final String ACCESS_KEY_ID = "ASIALEASEHOLDTESTKEY0001";
  public static final String SECRET_ACCESS_KEY = "leaseholdTestSecretKey/DoNotLeak+0123456789abcd";
  public static final String SESSION_TOKEN = "FwoGZXIvYXdzELeaseholdTestSessionTokenDoNotLeak//////////wEaDExample0123456789";
  public static final String MFA_INVALID = AwsWire.MFA_INVALID;
  public static final String MFA_UNVERIFIABLE = AwsWire.MFA_UNVERIFIABLE;

  private final WireMockExtension server;

  public StsStub(WireMockExtension server) {
    this.server = server;
  }

  public URI endpoint() {
    return URI.create("http://localhost:" + server.getPort());
  }

  /** Every AssumeRole answered with the planted credentials, expiring {@code lifetimeSeconds} from now. */
  public StsStub succeeds(long lifetimeSeconds) {
    server.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(success(Instant.now().plusSeconds(lifetimeSeconds))));
    return this;
  }

  /** An AssumeRole answer with the planted credentials. */
  public static ResponseDefinitionBuilder success(Instant expiration) {
    return success(expiration, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN);
  }

  /** An AssumeRole answer with these credentials. */
  public static ResponseDefinitionBuilder success(Instant expiration, String accessKeyId, String secretAccessKey,
      String sessionToken) {
    return xml(200, AwsWire.assumeRoleResponse(
        "arn:aws:sts::123456789012:assumed-role/hermes-dev-s3-deploy/leasehold-session",
        "AROA3XFRBF535PLBIFPI4:leasehold-session", "hermes", accessKeyId, secretAccessKey, sessionToken, expiration));
  }

  /** An STS error response of the real shape. */
  public static ResponseDefinitionBuilder error(int status, String type, String code, String message) {
    return xml(status, AwsWire.queryError(NS, type, code, message));
  }

  /** An answer with this status and XML body, as STS sends it. */
  public static ResponseDefinitionBuilder xml(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", AwsWire.STS_CONTENT_TYPE).withBody(body);
  }

  /** Every AssumeRole fails with this error. */
  public StsStub fails(int status, String type, String code, String message) {
    server.stubFor(post(urlEqualTo("/")).willReturn(error(status, type, code, message)));
    return this;
  }

  /** Every AssumeRole gets this network fault. */
  public StsStub faults(Fault fault) {
    server.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withFault(fault)));
    return this;
  }

  /** The AssumeRole requests that reached the stand-in, in order. */
  public List<LoggedRequest> assumeRoleRequests() {
    return server.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole")));
  }

  /** The form parameters of the {@code n}-th AssumeRole request (0-based). */
  public Map<String, String> form(int n) {
    return parseForm(assumeRoleRequests().get(n).getBodyAsString());
  }

  public static Map<String, String> parseForm(String body) {
    return AwsWire.parseForm(body);
  }
}
