package dev.leash.benchmarks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Instant;

/**
 * WireMock stand-ins on loopback, started inside a benchmark's {@code @Setup}: STS answering
 * {@code AssumeRole} in its real Query API wire format, and an S3 endpoint answering every call with a
 * small object.
 */
final class StandIns {
  static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  static final String ACCESS_KEY_ID = "ASIABENCHMARKKEY0001";
  static final String SECRET_ACCESS_KEY = "benchmarkSecretKey/NotReal+0123456789abcdefgh";
  static final String SESSION_TOKEN = "FwoGZXIvYXdzEBenchmarkSessionTokenNotReal//////////wEaDExample0123456789";

  private StandIns() {}

  /** An STS stand-in whose every AssumeRole succeeds with credentials valid for an hour. */
  static WireMockServer sts() {
    WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
        .containerThreads(300).jettyAcceptQueueSize(512));
    server.start();
    server.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
            .withBody(assumeRoleResponse(Instant.now().plusSeconds(3600)))));
    return server;
  }

  /** An S3 stand-in: every request gets 200 with a 16-byte body. */
  static WireMockServer s3() {
    WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/octet-stream").withBody("release 1.4.2 ok")));
    return server;
  }

  static URI endpoint(WireMockServer server) {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** How many AssumeRole requests reached {@code sts}. */
  static int assumeRoleCount(WireMockServer sts) {
    return sts.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))).size();
  }

  static String assumeRoleResponse(Instant expiration) {
    return "<AssumeRoleResponse xmlns=\"" + NS + "\">\n"
        + "  <AssumeRoleResult>\n"
        + "    <SourceIdentity>hermes</SourceIdentity>\n"
        + "    <AssumedRoleUser>\n"
        + "      <Arn>arn:aws:sts::123456789012:assumed-role/hermes-dev-s3-deploy/leash-session</Arn>\n"
        + "      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:leash-session</AssumedRoleId>\n"
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
        + "</AssumeRoleResponse>\n";
  }
}
