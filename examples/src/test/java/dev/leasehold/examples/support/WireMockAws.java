package dev.leasehold.examples.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leasehold.testing.AwsWire;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * STS, S3 and EC2 on WireMock, for the examples whose agents list buckets and describe instances: the STS and S3
 * bodies come from leasehold-testing's {@link AwsWire} (the one copy of those wire formats), EC2's
 * DescribeInstances is written here (nothing else answers it). Real SDK clients talk to them over HTTP, and the
 * tests read what reached the wire from WireMock's journal. For STS and S3 alone, without WireMock, use
 * {@link dev.leasehold.testing.AwsStandIn}.
 */
public final class WireMockAws {
  /** Planted lease credentials: no model-visible text may ever contain them. */
  public static final String ACCESS_KEY_ID = "ASIAEXAMPLESLEASE001";
  public static final String SECRET_ACCESS_KEY = "examplesLeaseSecret/DoNotLeak+0123456789abc";
  public static final String SESSION_TOKEN = "FwoGZXIvYXdzEExamplesLeaseSessionTokenDoNotLeak//////////wEaDExample42";
  /** Planted base credentials of the agent user. */
  public static final String BASE_KEY_ID = "AKIAEXAMPLESBASE0001";
  public static final String BASE_SECRET = "examplesBaseSecretDoNotLeak0123456789abcdef";

  private WireMockAws() {}

  /** The base URL of a stand-in. */
  public static URI endpoint(WireMockExtension server) {
    return URI.create(server.baseUrl());
  }

  /** Every STS AssumeRole succeeds with the planted credentials, valid for 15 minutes from now. */
  public static void stsIssuesLeases(WireMockExtension sts) {
    sts.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(xml(AwsWire.STS_CONTENT_TYPE, AwsWire.assumeRoleResponse(
            "arn:aws:sts::123456789012:assumed-role/hermes-dev-role/leasehold-session",
            "AROA3XFRBF535PLBIFPI4:leasehold-session", "hermes", ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN,
            Instant.now().plusSeconds(900)))));
  }

  /** The AssumeRole requests that reached the STS stand-in. */
  public static List<LoggedRequest> assumeRoleRequests(WireMockExtension sts) {
    return sts.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole")));
  }

  /** S3 ListObjectsV2 on {@code bucket} answers with these keys (each 1,024 bytes). */
  public static void s3Lists(WireMockExtension s3, String bucket, String prefix, String... keys) {
    s3.stubFor(listObjectsV2(bucket, prefix)
        .willReturn(xml(AwsWire.S3_CONTENT_TYPE, AwsWire.listObjectsV2Response(bucket, prefix, 50, List.of(keys), 1024,
            null))));
  }

  /** S3 ListObjectsV2 under {@code prefix} always says there is another page: a paginator never ends. */
  public static void s3ListsForever(WireMockExtension s3, String bucket, String prefix) {
    s3.stubFor(listObjectsV2(bucket, prefix)
        .willReturn(xml(AwsWire.S3_CONTENT_TYPE, AwsWire.listObjectsV2Response(bucket, prefix, 1, List.of(prefix + "part"),
            1, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="))));
  }

  private static MappingBuilder listObjectsV2(String bucket, String prefix) {
    return get(urlPathEqualTo("/" + bucket)).withQueryParam("list-type", equalTo("2"))
        .withQueryParam("prefix", equalTo(prefix));
  }

  private static ResponseDefinitionBuilder xml(String contentType, String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", contentType).withBody(body);
  }

  /** EC2 DescribeInstances answers with two instances, in the real EC2 Query API shape. */
  public static void ec2DescribesInstances(WireMockExtension ec2) {
    ec2.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=DescribeInstances"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml;charset=UTF-8").withBody("""
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
              <reservationSet>
                <item>
                  <reservationId>r-1234567890abcdef0</reservationId>
                  <ownerId>123456789012</ownerId>
                  <groupSet/>
                  <instancesSet>
                    <item>
                      <instanceId>i-0598c7d356eba48d7</instanceId>
                      <imageId>ami-0abcdef1234567890</imageId>
                      <instanceState><code>16</code><name>running</name></instanceState>
                      <privateDnsName>ip-10-0-0-157.ec2.internal</privateDnsName>
                      <instanceType>t3.micro</instanceType>
                      <launchTime>2026-04-30T08:00:00.000Z</launchTime>
                      <placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>
                      <tagSet><item><key>Name</key><value>api-1</value></item></tagSet>
                    </item>
                    <item>
                      <instanceId>i-0a1b2c3d4e5f67890</instanceId>
                      <imageId>ami-0abcdef1234567890</imageId>
                      <instanceState><code>80</code><name>stopped</name></instanceState>
                      <instanceType>t3.small</instanceType>
                      <placement><availabilityZone>us-east-1b</availabilityZone><tenancy>default</tenancy></placement>
                      <tagSet><item><key>Name</key><value>batch-1</value></item></tagSet>
                    </item>
                  </instancesSet>
                </item>
              </reservationSet>
            </DescribeInstancesResponse>
            """)));
  }
}
