package dev.leasehold.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalChannelsTest {

  @Test
  void loadsARegisteredProviderByNameAndPassesItsConfig() {
    try (ApprovalChannel channel = ApprovalChannels.load("echo", Map.of("approver", "carol"))) {
      Decision decision = channel.decide(Requests.sample());
      assertThat(decision).isEqualTo(new Decision.Denied("req-1", "carol", "echo denies"));
    }
  }

  @Test
  void unknownNameListsInstalledChannelsAndNamesTheBrokenOne() {
    assertThatThrownBy(() -> ApprovalChannels.load("pager", Map.of()))
        .isInstanceOfSatisfying(ApprovalChannelException.class,
            e -> assertThat(e.kind()).isEqualTo(ApprovalChannelException.Kind.CONFIGURATION))
        .hasMessageContaining("No approval channel named 'pager'")
        .hasMessageContaining("Installed channels: echo")
        .hasMessageContaining("DoesNotExistProvider");
  }

  @Test
  void aBrokenProviderDoesNotHideTheOthers() {
    assertThat(ApprovalChannels.names(getClass().getClassLoader())).containsExactly("echo");
  }

  @Test
  void anEmptyClassPathSaysWhichJarToAdd() {
    ClassLoader empty = new ClassLoader(null) {};
    assertThatThrownBy(() -> ApprovalChannels.load("console", Map.of(), empty))
        .isInstanceOf(ApprovalChannelException.class)
        .hasMessageContaining("leasehold-approval-console");
  }
}
