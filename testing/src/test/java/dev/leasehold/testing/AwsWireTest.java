package dev.leasehold.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire bodies themselves: escaping, form parsing, signing key, and aws-chunked upload bodies. */
class AwsWireTest {
  @Test
  void decodesSignedChunks() {
    String body = "5;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\nhello\r\n"
        + "6;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n world\r\n"
        + "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";

    assertThat(new String(AwsWire.unchunk(body.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8))
        .isEqualTo("hello world");
  }

  @Test
  void decodesUnsignedChunksWithATrailer() {
    String body = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";

    assertThat(new String(AwsWire.unchunk(body.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8))
        .isEqualTo("hello world");
  }

  @Test
  void parsesAFormInTheOrderSent() {
    assertThat(AwsWire.parseForm("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&Tags.member.1.Value=a+b&"))
        .containsExactly(java.util.Map.entry("Action", "AssumeRole"), java.util.Map.entry("RoleArn", "arn:aws:iam::1:role/r"),
            java.util.Map.entry("Tags.member.1.Value", "a b"));
  }

  @Test
  void readsTheSigningKeyFromASigV4Header() {
    assertThat(AwsWire.signingAccessKeyId("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260501/us-east-1/s3/aws4_request, "
        + "SignedHeaders=host, Signature=abc")).isEqualTo("ASIAEXAMPLE");
    assertThat(AwsWire.signingAccessKeyId(null)).isEmpty();
  }

  @Test
  void escapesEveryTextItWrites() {
    assertThat(AwsWire.stsError("AccessDenied", "<b>&</b>")).contains("<Message>&lt;b&gt;&amp;&lt;/b&gt;</Message>")
        .contains("<Type>Sender</Type>").startsWith("<ErrorResponse xmlns=\"" + AwsWire.STS_NAMESPACE + "\">");
    assertThat(AwsWire.assumeRoleResponse("a", "b", "x<y", "k", "s", "t", Instant.EPOCH))
        .contains("<SourceIdentity>x&lt;y</SourceIdentity>").contains("<Expiration>1970-01-01T00:00:00Z</Expiration>");
    assertThat(AwsWire.assumeRoleResponse("a", "b", null, "k", "s", "t", Instant.EPOCH)).doesNotContain("SourceIdentity");
  }

  @Test
  void aListPageSaysWhetherAnotherFollows() {
    assertThat(AwsWire.listObjectsV2Response("b", "p/", 1, List.of("p/1"), 1, "next"))
        .contains("<IsTruncated>true</IsTruncated>", "<NextContinuationToken>next</NextContinuationToken>",
            "<KeyCount>1</KeyCount>", "<Key>p/1</Key>");
    assertThat(AwsWire.listObjectsV2Response("b", "p/", 50, List.of(), 1, null))
        .contains("<IsTruncated>false</IsTruncated>").doesNotContain("NextContinuationToken", "<Contents>");
  }
}
