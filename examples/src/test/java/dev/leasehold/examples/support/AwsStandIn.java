package dev.leasehold.examples.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * WireMock stand-ins for STS, S3 and EC2 speaking their real wire formats (STS and EC2 Query API XML,
 * S3 REST XML), so real SDK clients talk to them over HTTP. Copy this into your own tests.
 */
public final class AwsStandIn {
  /** Planted lease credentials: no model-visible text may ever contain them. */
  public static final String ACCESS_KEY_ID = "ASIAEXAMPLESLEASE001";
  public static final String SECRET_ACCESS_KEY = "examplesLeaseSecret/DoNotLeak+0123456789abc";
  public static final String SESSION_TOKEN = "FwoGZXIvYXdzEExamplesLeaseSessionTokenDoNotLeak//////////wEaDExample42";
  /** Planted base credentials of the agent user. */
  public static final String BASE_KEY_ID = "AKIAEXAMPLESBASE0001";
  public static final String BASE_SECRET = "examplesBaseSecretDoNotLeak0123456789abcdef";

  private AwsStandIn() {}

  /** The base URL of a stand-in. */
  public static URI endpoint(WireMockExtension server) {
    return URI.create(server.baseUrl());
  }

  /** Every STS AssumeRole succeeds with the planted credentials, valid for 15 minutes from now. */
  public static void stsIssuesLeases(WireMockExtension sts) {
    Instant expiration = Instant.now().plusSeconds(900);
    sts.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("""
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <SourceIdentity>hermes</SourceIdentity>
                <AssumedRoleUser>
                  <Arn>arn:aws:sts::123456789012:assumed-role/hermes-dev-role/leasehold-session</Arn>
                  <AssumedRoleId>AROA3XFRBF535PLBIFPI4:leasehold-session</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>%s</AccessKeyId>
                  <SecretAccessKey>%s</SecretAccessKey>
                  <SessionToken>%s</SessionToken>
                  <Expiration>%s</Expiration>
                </Credentials>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """.formatted(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, expiration))));
  }

  /** The AssumeRole requests that reached the STS stand-in. */
  public static List<LoggedRequest> assumeRoleRequests(WireMockExtension sts) {
    return sts.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole")));
  }

  /** S3 ListObjectsV2 on {@code bucket} answers with these keys (each 1,024 bytes). */
  public static void s3Lists(WireMockExtension s3, String bucket, String prefix, String... keys) {
    StringBuilder contents = new StringBuilder();
    for (String key : keys) {
      contents.append("""
            <Contents>
              <Key>%s</Key>
              <LastModified>2026-05-01T10:00:00.000Z</LastModified>
              <ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag>
              <Size>1024</Size>
              <StorageClass>STANDARD</StorageClass>
            </Contents>
          """.formatted(key));
    }
    s3.stubFor(get(urlPathEqualTo("/" + bucket)).withQueryParam("list-type", equalTo("2"))
        .withQueryParam("prefix", equalTo(prefix))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml").withBody("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>%s</Name>
              <Prefix>%s</Prefix>
              <KeyCount>%d</KeyCount>
              <MaxKeys>50</MaxKeys>
              <IsTruncated>false</IsTruncated>
            %s</ListBucketResult>
            """.formatted(bucket, prefix, keys.length, contents))));
  }

  /** S3 ListObjectsV2 under {@code prefix} always says there is another page: a paginator never ends. */
  public static void s3ListsForever(WireMockExtension s3, String bucket, String prefix) {
    s3.stubFor(get(urlPathEqualTo("/" + bucket)).withQueryParam("list-type", equalTo("2"))
        .withQueryParam("prefix", equalTo(prefix))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml").withBody("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>%s</Name>
              <Prefix>%s</Prefix>
              <KeyCount>1</KeyCount>
              <MaxKeys>1</MaxKeys>
              <IsTruncated>true</IsTruncated>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
              <Contents><Key>%spart</Key><Size>1</Size></Contents>
            </ListBucketResult>
            """.formatted(bucket, prefix, prefix))));
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
