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
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WireMock stand-in for STS speaking the real Query API: form-encoded {@code Action=AssumeRole}
 * requests, XML responses in the {@code https://sts.amazonaws.com/doc/2011-06-15/} namespace, and the
 * real error shapes and status codes.
 */
public final class StsStub {
  public static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  /** Planted secrets: a leak test searches every output for them. */
  public static final String ACCESS_KEY_ID = "ASIALEASEHOLDTESTKEY0001";
  public static final String SECRET_ACCESS_KEY = "leaseholdTestSecretKey/DoNotLeak+0123456789abcd";
  public static final String SESSION_TOKEN = "FwoGZXIvYXdzELeaseholdTestSessionTokenDoNotLeak//////////wEaDExample0123456789";
  public static final String MFA_INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code. ";
  public static final String MFA_UNVERIFIABLE = "MultiFactorAuthentication failed, unable to validate MFA code. "
      + "Please verify your MFA serial number is valid and associated with this user.";

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

  public static ResponseDefinitionBuilder success(Instant expiration) {
    return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(
        "<AssumeRoleResponse xmlns=\"" + NS + "\">\n"
            + "  <AssumeRoleResult>\n"
            + "    <SourceIdentity>hermes</SourceIdentity>\n"
            + "    <AssumedRoleUser>\n"
            + "      <Arn>arn:aws:sts::123456789012:assumed-role/hermes-dev-s3-deploy/leasehold-session</Arn>\n"
            + "      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:leasehold-session</AssumedRoleId>\n"
            + "    </AssumedRoleUser>\n"
            + "    <Credentials>\n"
            + "      <AccessKeyId>" + ACCESS_KEY_ID + "</AccessKeyId>\n"
            + "      <SecretAccessKey>" + SECRET_ACCESS_KEY + "</SecretAccessKey>\n"
            + "      <SessionToken>" + SESSION_TOKEN + "</SessionToken>\n"
            + "      <Expiration>" + expiration + "</Expiration>\n"
            + "    </Credentials>\n"
            + "    <PackedPolicySize>6</PackedPolicySize>\n"
            + "  </AssumeRoleResult>\n"
            + "  <ResponseMetadata>\n"
            + "    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
            + "  </ResponseMetadata>\n"
            + "</AssumeRoleResponse>\n");
  }

  /** An STS error response of the real shape. */
  public static ResponseDefinitionBuilder error(int status, String type, String code, String message) {
    return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(
        "<ErrorResponse xmlns=\"" + NS + "\">\n"
            + "  <Error>\n"
            + "    <Type>" + type + "</Type>\n"
            + "    <Code>" + code + "</Code>\n"
            + "    <Message>" + message + "</Message>\n"
            + "  </Error>\n"
            + "  <RequestId>4f1ab6a3-1c6e-4a2e-9b0e-9d3f1a1c0b7e</RequestId>\n"
            + "</ErrorResponse>\n");
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
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(k, v);
    }
    return form;
  }
}
