import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.support.StsStub;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs the README's quick start (DeployAgent, copied from the README with the console channel replaced
 * by FakeApprover) against a loopback stand-in for STS and S3, then checks what reached the wire.
 * The AWS SDK sends both services to AWS_ENDPOINT_URL, which .ci/check-release sets.
 */
public final class Harness {
  private static final String KEY = "/hermes-dev-deploy/releases/1.4.2.zip";

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(System.getenv("AWS_ENDPOINT_URL"));
    WireMockServer aws = new WireMockServer(options().bindAddress("127.0.0.1").port(endpoint.getPort()));
    aws.start();
    try {
      aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
          .willReturn(StsStub.success(Instant.now().plusSeconds(900))));
      aws.stubFor(put(urlEqualTo(KEY)).willReturn(ok().withHeader("ETag", "\"5d41402abc4b2a76b9719d911017c592\"")));
      Files.createDirectories(Path.of("build"));
      Files.writeString(Path.of("build/release-1.4.2.zip"), "release 1.4.2");

      DeployAgent.main(new String[0]);

      List<LoggedRequest> assumes = aws.findAll(postRequestedFor(urlEqualTo("/")));
      check(assumes.size() == 1, "one AssumeRole, saw " + assumes.size());
      Map<String, String> form = StsStub.parseForm(assumes.get(0).getBodyAsString());
      check("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy".equals(form.get("RoleArn")), "RoleArn " + form.get("RoleArn"));
      check("123456".equals(form.get("TokenCode")), "the approved MFA code reached STS");
      check("arn:aws:iam::123456789012:mfa/hermes-dev-agent".equals(form.get("SerialNumber")), "SerialNumber");

      List<LoggedRequest> puts = aws.findAll(putRequestedFor(urlEqualTo(KEY)));
      check(puts.size() == 1, "one PutObject, saw " + puts.size());
      check(StsStub.SESSION_TOKEN.equals(puts.get(0).getHeader("X-Amz-Security-Token")), "PutObject signed with the lease");
      check(puts.get(0).getHeader("Authorization").contains("Credential=" + StsStub.ACCESS_KEY_ID + "/"), "lease access key");
      check(puts.get(0).getBodyAsString().contains("release 1.4.2"), "the file's bytes were uploaded");

      var verification = AuditVerifier.verify(Path.of("leasehold-audit.jsonl"));
      check(verification.intact(), "audit chain intact: " + verification);
      System.out.println("quickstart: README code ran: 1 AssumeRole with the approved code, 1 guarded PutObject, "
          + "audit chain intact");
    } finally {
      aws.stop();
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("quickstart: " + what);
    }
  }
}
