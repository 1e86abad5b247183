package dev.leasehold.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
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
  void twoProvidersWithTheRequestedNameAreAnErrorNamingBothClassesAndCreateNoChannel() throws Exception {
    URL folder = getClass().getClassLoader().getResource("duplicate-providers/");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {folder}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> ApprovalChannels.load("twin", Map.of(), loader))
          .isInstanceOfSatisfying(ApprovalChannelException.class,
              e -> assertThat(e.kind()).isEqualTo(ApprovalChannelException.Kind.CONFIGURATION))
          .hasMessageContaining("'twin'")
          .hasMessageContaining(TwinChannelProviders.First.class.getName())
          .hasMessageContaining(TwinChannelProviders.Second.class.getName());
      assertThat(TwinChannelProviders.CREATED).hasValue(0);
      // another name on the same class path still loads
      try (ApprovalChannel echo = ApprovalChannels.load("echo", Map.of(), loader)) {
        assertThat(echo).isNotNull();
      }
    }
  }

  @Test
  void anEmptyClassPathSaysWhichJarToAdd() {
    ClassLoader empty = new ClassLoader(null) {};
    assertThatThrownBy(() -> ApprovalChannels.load("console", Map.of(), empty))
        .isInstanceOf(ApprovalChannelException.class)
        .hasMessageContaining("leasehold-approval-console");
  }
}
