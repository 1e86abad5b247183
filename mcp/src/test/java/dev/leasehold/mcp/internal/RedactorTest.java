package dev.leasehold.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String TOKEN = "IQoJb3JpZ2luX2VjEOr//////////wEaDmFwLW5vcnRoZWFzdC0yIkcwRQIhAKtuY2EwLXRva2VuLWZvci10ZXN0cy0xMjM0NTY3ODkw"
      + "YWJjZGVmZ2hpams=";

  @Test
  void credentialFieldsKeyIdsSecretKeysAndTokensAreRedacted() {
    String out = Redactor.redact("""
        {"Credentials": {"AccessKeyId": "ASIAEXAMPLE123456789", "SecretAccessKey": "%s",
         "SessionToken": "%s"}}
        aws_secret_access_key = %s
        key AKIAIOSFODNN7EXAMPLE in a sentence, and a bare %s and a bare token %s
        """.formatted(SECRET, TOKEN, SECRET, SECRET, TOKEN), List.of());

    assertThat(out).doesNotContain(SECRET, TOKEN, "ASIAEXAMPLE123456789", "AKIAIOSFODNN7EXAMPLE")
        .contains("\"SecretAccessKey\": \"[REDACTED]\"", "key [REDACTED] in a sentence");
  }

  @Test
  void knownSecretsAreRedactedWhereverTheyAppear() {
    assertThat(Redactor.redact("Authorization header was short-token-42!", List.of("short-token-42")))
        .isEqualTo("Authorization header was [REDACTED]!");
  }

  @Test
  void ordinaryOutputIsLeftAlone() {
    String text = """
        {"ETag": "\\"9b2cf535f27731c974343645a3985328\\"", "Arn": "arn:aws:sts::123456789012:assumed-role/r/s",
         "Key": "releases/1.4.2.zip", "sha1": "da39a3ee5e6b4b0d3255bfef95601890afd80709"}""";

    assertThat(Redactor.redact(text, List.of())).isEqualTo(text);
  }
}
