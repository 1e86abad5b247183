package dev.leasehold.testing;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The STS and S3 wire formats, written once: the bodies real AWS sends, so a real AWS SDK client (or the AWS CLI,
 * or boto3) parses a stand-in's answer exactly as it parses AWS's.
 *
 * <p>It stands in for nothing by itself and records nothing: {@link AwsStandIn} serves these bodies on loopback,
 * and a test that needs WireMock's request matching or network faults returns them from a WireMock stub:
 *
 * <pre>{@code
 * sts.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(403)
 *     .withHeader("Content-Type", AwsWire.STS_CONTENT_TYPE)
 *     .withBody(AwsWire.stsError("AccessDenied", AwsWire.MFA_INVALID))));
 * }</pre>
 *
 * <ul>
 *   <li>STS speaks the Query API: a form-encoded {@code POST /} ({@code Action=AssumeRole&...}), answered with XML
 *       in the {@value #STS_NAMESPACE} namespace, errors as {@code <ErrorResponse><Error><Type/><Code/><Message/>
 *       </Error><RequestId/></ErrorResponse>} with the status code STS uses (403 {@code AccessDenied}, 400
 *       {@code ValidationError} and {@code Throttling}, 5xx with {@code Type} Receiver).
 *   <li>S3 speaks REST XML: {@code ListBucketResult} in the {@value #S3_NAMESPACE} namespace, errors as
 *       {@code <Error><Code/><Message/>...<RequestId/></Error>} with no namespace.
 * </ul>
 *
 * <p>The messages STS really sends for the failures Leasehold tells apart are constants here, so tests pin the
 * real wording once. Stateless and thread-safe; every text put into XML is escaped.
 */
public final class AwsWire {
  /** The namespace of every STS Query API response. */
  public static final String STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
  /** The namespace of S3's REST XML responses. */
  public static final String S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
  /** The {@code Content-Type} STS answers with. */
  public static final String STS_CONTENT_TYPE = "text/xml";
  /** The {@code Content-Type} S3 answers XML with. */
  public static final String S3_CONTENT_TYPE = "application/xml";

  /** STS, 403 {@code AccessDenied}: the TokenCode is wrong or was used before. */
  public static final String MFA_INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code. ";
  /** STS, 403 {@code AccessDenied}: no SerialNumber/TokenCode, or a serial number the user does not own. */
  public static final String MFA_UNVERIFIABLE = "MultiFactorAuthentication failed, unable to validate MFA code. "
      + "Please verify your MFA serial number is valid and associated with this user.";
  /** STS, 400 {@code ValidationError}: a TokenCode that is not six digits. */
  public static final String TOKEN_CODE_MALFORMED = "1 validation error detected: Value at 'tokenCode' failed to "
      + "satisfy constraint: Member must satisfy regular expression pattern: [\\d]* and have length 6";
  /** STS, 400 {@code Throttling}: too many requests. */
  public static final String THROTTLED = "Rate exceeded";
  /** STS, 403 {@code InvalidClientTokenId}: a request signed with credentials STS does not know. */
  public static final String INVALID_CLIENT_TOKEN = "The security token included in the request is invalid.";
  /** S3, 403 {@code InvalidAccessKeyId}: a request signed with an access key S3 does not know. */
  public static final String S3_UNKNOWN_ACCESS_KEY = "The AWS Access Key Id you provided does not exist in our records.";
  /** S3, 404 {@code NoSuchKey}. */
  public static final String S3_NO_SUCH_KEY = "The specified key does not exist.";

  private AwsWire() {}

  /**
   * An STS {@code AssumeRoleResponse}.
   *
   * @param assumedRoleArn the session's ARN, {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}
   * @param assumedRoleId {@code ROLEID:SESSION}
   * @param sourceIdentity the {@code SourceIdentity} to echo, or {@code null} for none
   */
  public static String assumeRoleResponse(String assumedRoleArn, String assumedRoleId, String sourceIdentity,
      String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {
    Objects.requireNonNull(expiration, "expiration == null");
    return "<AssumeRoleResponse xmlns=\"" + STS_NAMESPACE + "\">\n"
        + "  <AssumeRoleResult>\n"
        + (sourceIdentity == null ? "" : "    <SourceIdentity>" + escape(sourceIdentity) + "</SourceIdentity>\n")
        + "    <AssumedRoleUser>\n"
        + "      <Arn>" + escape(assumedRoleArn) + "</Arn>\n"
        + "      <AssumedRoleId>" + escape(assumedRoleId) + "</AssumedRoleId>\n"
        + "    </AssumedRoleUser>\n"
        + "    <Credentials>\n"
        + "      <AccessKeyId>" + escape(accessKeyId) + "</AccessKeyId>\n"
        + "      <SecretAccessKey>" + escape(secretAccessKey) + "</SecretAccessKey>\n"
        + "      <SessionToken>" + escape(sessionToken) + "</SessionToken>\n"
        + "      <Expiration>" + expiration + "</Expiration>\n"
        + "    </Credentials>\n"
        + "    <PackedPolicySize>6</PackedPolicySize>\n"
        + "  </AssumeRoleResult>\n"
        + responseMetadata()
        + "</AssumeRoleResponse>\n";
  }

  /** An STS {@code GetCallerIdentityResponse}. */
  public static String getCallerIdentityResponse(String arn, String userId, String account) {
    return "<GetCallerIdentityResponse xmlns=\"" + STS_NAMESPACE + "\">\n"
        + "  <GetCallerIdentityResult>\n"
        + "    <Arn>" + escape(arn) + "</Arn>\n"
        + "    <UserId>" + escape(userId) + "</UserId>\n"
        + "    <Account>" + escape(account) + "</Account>\n"
        + "  </GetCallerIdentityResult>\n"
        + responseMetadata()
        + "</GetCallerIdentityResponse>\n";
  }

  /** An STS error the caller caused ({@code Type} Sender), e.g. {@code AccessDenied} or {@code Throttling}. */
  public static String stsError(String code, String message) {
    return queryError(STS_NAMESPACE, "Sender", code, message);
  }

  /**
   * The error shape every Query API service shares (STS, IAM, EC2's classic form):
   * {@code <ErrorResponse xmlns=NS><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>}.
   *
   * @param type {@code Sender} (a 4xx answer) or {@code Receiver} (5xx)
   */
  public static String queryError(String namespace, String type, String code, String message) {
    return "<ErrorResponse xmlns=\"" + escape(namespace) + "\">\n"
        + "  <Error>\n"
        + "    <Type>" + escape(type) + "</Type>\n"
        + "    <Code>" + escape(code) + "</Code>\n"
        + "    <Message>" + escape(message) + "</Message>\n"
        + "  </Error>\n"
        + "  <RequestId>" + requestId() + "</RequestId>\n"
        + "</ErrorResponse>\n";
  }

  /** An S3 error, e.g. {@code AccessDenied}, {@code NoSuchKey} or {@code SlowDown}. */
  public static String s3Error(String code, String message) {
    return s3Error(code, message, null);
  }

  /** An S3 {@code NoSuchKey} error naming the key, as S3 words it. */
  public static String s3NoSuchKey(String key) {
    return s3Error("NoSuchKey", S3_NO_SUCH_KEY, key);
  }

  private static String s3Error(String code, String message, String key) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + escape(code) + "</Code><Message>"
        + escape(message) + "</Message>" + (key == null ? "" : "<Key>" + escape(key) + "</Key>")
        + "<RequestId>" + requestId() + "</RequestId></Error>\n";
  }

  /**
   * An S3 {@code ListObjectsV2} page ({@code ListBucketResult}).
   *
   * @param keys the keys on this page, each listed with {@code size} bytes
   * @param nextContinuationToken the token of the next page, or {@code null} on the last page
   */
  public static String listObjectsV2Response(String bucket, String prefix, int maxKeys, List<String> keys, long size,
      String nextContinuationToken) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<ListBucketResult xmlns=\"").append(S3_NAMESPACE).append("\">\n")
        .append("  <Name>").append(escape(bucket)).append("</Name>\n")
        .append("  <Prefix>").append(escape(prefix == null ? "" : prefix)).append("</Prefix>\n")
        .append("  <KeyCount>").append(keys.size()).append("</KeyCount>\n")
        .append("  <MaxKeys>").append(maxKeys).append("</MaxKeys>\n")
        .append("  <IsTruncated>").append(nextContinuationToken != null).append("</IsTruncated>\n");
    if (nextContinuationToken != null) {
      xml.append("  <NextContinuationToken>").append(escape(nextContinuationToken)).append("</NextContinuationToken>\n");
    }
    for (String key : keys) {
      xml.append("  <Contents>\n")
          .append("    <Key>").append(escape(key)).append("</Key>\n")
          .append("    <LastModified>2026-05-01T10:00:00.000Z</LastModified>\n")
          .append("    <ETag>\"d41d8cd98f00b204e9800998ecf8427e\"</ETag>\n")
          .append("    <Size>").append(size).append("</Size>\n")
          .append("    <StorageClass>STANDARD</StorageClass>\n")
          .append("  </Contents>\n");
    }
    return xml.append("</ListBucketResult>\n").toString();
  }

  /** Escapes text for an XML element's content. */
  public static String escape(String text) {
    return String.valueOf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The parameters of a form-encoded Query API body, in the order sent. */
  public static Map<String, String> parseForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }

  /**
   * The access key id that signed a request, from its SigV4 {@code Authorization} header
   * ({@code AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...}); empty if unsigned.
   */
  public static String signingAccessKeyId(String authorization) {
    String header = String.valueOf(authorization);
    int credential = header.indexOf("Credential=");
    return credential < 0 ? "" : header.substring(credential + "Credential=".length()).split("/", 2)[0];
  }

  /**
   * Decodes an {@code aws-chunked} body (what the SDKs send for a streaming PutObject):
   * {@code hex-size[;chunk-signature=...]\r\n data \r\n}, ending with a chunk of size 0.
   */
  public static byte[] unchunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length) {
      int eol = indexOfCrlf(body, i);
      if (eol < 0) {
        break;
      }
      String header = new String(body, i, eol - i, StandardCharsets.US_ASCII);
      int size = Integer.parseInt(header.split(";", 2)[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(body, eol + 2, size);
      i = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String responseMetadata() {
    return "  <ResponseMetadata>\n    <RequestId>" + requestId() + "</RequestId>\n  </ResponseMetadata>\n";
  }

  private static String requestId() {
    return UUID.randomUUID().toString();
  }
}
