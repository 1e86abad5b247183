package dev.leasehold.mcp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.audit.InMemoryAuditSink;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseholdMcpServerTest {
  static final URI BROKER = URI.create("http://127.0.0.1:8512");

  @Test
  void aServerNeedsExactlyOneSourceOfLeasesAndAnAuditSink(@TempDir Path dir) {
    assertThatThrownBy(() -> LeaseholdMcpServer.builder().auditSink(new InMemoryAuditSink()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one of broker(url, token)");
    assertThatThrownBy(() -> LeaseholdMcpServer.builder().broker(BROKER, "token").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("An audit sink is required");
  }

  @Test
  void settingsThatCannotBeRightAreRefusedAtOnce(@TempDir Path dir) {
    LeaseholdMcpServer.Builder b = LeaseholdMcpServer.builder();

    assertThatThrownBy(() -> b.allowFiles(dir.resolve("missing"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowFiles needs an existing folder");
    assertThatThrownBy(() -> b.outputLimit(100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1024 bytes");
    assertThatThrownBy(() -> b.commandTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commandTimeout must be positive");
    assertThatThrownBy(() -> b.approvalWait(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("approvalWait must be positive");
  }
}
