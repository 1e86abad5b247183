package dev.leasehold.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The snapshot loads in a fresh JVM without reading the data of every service: loading reads the index's
 * header only, and a lookup inflates and parses the one service it needs. The timing itself is measured
 * in fresh JVMs by the benchmark run (figure IAM in benchmarks/RESULTS.md, checked against its baseline).
 */
class ServiceAuthorizationLoadTest {
  private static byte[] resource() throws IOException {
    try (InputStream in = ServiceAuthorization.class.getResourceAsStream(ServiceAuthorization.RESOURCE)) {
      return in.readAllBytes();
    }
  }

  @Test
  void loadingParsesNoServiceAndALookupParsesOnlyItsOwn() {
    ServiceAuthorization data = ServiceAuthorization.load();
    assertThat(data.services()).hasSizeGreaterThan(400);
    assertThat(data.services().values()).noneMatch(ServiceAuthorization.Service::isParsed);

    ServiceAuthorization.Action get = data.action("s3:GetObject");

    assertThat(get.qualifiedName()).isEqualTo("s3:GetObject");
    assertThat(get.isMutating()).isFalse();
    assertThat(data.services().values()).filteredOn(ServiceAuthorization.Service::isParsed)
        .extracting(ServiceAuthorization.Service::prefix).containsExactly("s3");
  }

  @Test
  void theIndexAddsUpToTheSameDataAsEveryServiceParsed() {
    ServiceAuthorization data = ServiceAuthorization.load();
    int actions = 0;
    for (ServiceAuthorization.Service s : data.services().values()) {
      actions += s.actions().size();
    }
    assertThat(actions).isEqualTo(data.actionCount()).isEqualTo(22_091);
    assertThat(data.action("s3:PutObject").isMutating()).isTrue();
    assertThat(data.service("S3").resourceArns()).containsKey("object");
  }

  @Test
  void theResourceStaysSmall() throws IOException {
    assertThat(resource().length).as("bytes in the jar").isLessThan(400_000);
  }

  @Test
  void aDamagedIndexIsRefusedWithWhatIsWrong() throws IOException {
    byte[] good = resource();
    assertThatThrownBy(() -> ServiceAuthorization.read("# not an index\n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IOException.class).hasMessageContaining("LEASEHOLD-IAM-INDEX");
    assertThatThrownBy(() -> ServiceAuthorization.read(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IOException.class).hasMessageContaining("runs past the end");
    assertThatThrownBy(() -> ServiceAuthorization.read(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IOException.class).hasMessageContaining("do not add up");
    assertThatThrownBy(() -> ServiceAuthorization.read(Arrays.copyOf(good, 600)))
        .isInstanceOf(IOException.class);
  }
}
