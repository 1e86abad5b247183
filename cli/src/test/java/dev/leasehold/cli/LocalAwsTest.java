package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo stand-in's decoding of aws-chunked upload bodies (signed and unsigned-with-trailer forms). */
class LocalAwsTest {
  @Test
  void decodesSignedChunks() {
    String body = "5;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\nhello\r\n"
        + "6;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n world\r\n"
        + "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";

    assertThat(new String(LocalAws.unchunk(body.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8))
        .isEqualTo("hello world");
  }

  @Test
  void decodesUnsignedChunksWithATrailer() {
    String body = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";

    assertThat(new String(LocalAws.unchunk(body.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8))
        .isEqualTo("hello world");
  }
}
