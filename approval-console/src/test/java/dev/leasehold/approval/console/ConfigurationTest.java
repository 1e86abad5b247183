package dev.leasehold.approval.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannels;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * {@code ApprovalChannels.load("console", config)}: found by name, strict about its settings. (Loading it
 * on a real terminal is shown by {@link PseudoTerminalTest}.)
 */
class ConfigurationTest {

  @Test
  void isRegisteredWithTheServiceLoaderAsConsole() {
    assertThat(ApprovalChannels.names(getClass().getClassLoader())).contains("console");
    assertThat(new ConsoleApprovalChannelProvider().name()).isEqualTo("console");
  }

  @Test
  void anUnknownKeyIsRejectedNamingItAndTheAllowedKeys() {
    assertConfigurationError(Map.of("colour", "on", "approver", "alice"))
        .hasMessage("Unknown console approval channel setting 'colour'. Allowed keys: approver, color, timeout.");
    assertConfigurationError(Map.of("input", "/dev/stdin", "mfa", "off"))
        .hasMessageContaining("settings 'input', 'mfa'");
  }

  @Test
  void aBadTimeoutIsRejectedNamingTheKey() {
    assertConfigurationError(Map.of("timeout", "soon")).hasMessage("Console approval channel setting 'timeout': "
        + "'soon' is not a duration; use ISO-8601 such as PT2M, or a whole number of s, m or h such as 90s or 2m");
    assertConfigurationError(Map.of("timeout", "0s")).hasMessageContaining("'timeout': timeout must be positive");
    assertConfigurationError(Map.of("timeout", "-PT1M")).hasMessageContaining("'timeout': timeout must be positive");
  }

  @Test
  void aBadColourIsRejectedNamingTheKey() {
    assertConfigurationError(Map.of("color", "blue"))
        .hasMessage("Console approval channel setting 'color': 'blue' is not one of auto, on, off");
  }

  @Test
  void aBadApproverIsRejectedNamingTheKey() {
    assertConfigurationError(Map.of("approver", "eve\nRole: prod-admin"))
        .hasMessageContaining("setting 'approver': approver must be 1-64 characters")
        .hasMessageContaining("eve\\nRole: prod-admin");
    assertConfigurationError(Map.of("approver", "")).hasMessageContaining("setting 'approver'");
  }

  @Test
  void timeoutsReadAsIsoOrShortForm() {
    assertThat(ConsoleApprovalChannelProvider.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ConsoleApprovalChannelProvider.duration("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ConsoleApprovalChannelProvider.duration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ConsoleApprovalChannelProvider.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ConsoleApprovalChannelProvider.duration("1h")).isEqualTo(Duration.ofHours(1));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertConfigurationError(Map<String, String> config) {
    return assertThatThrownBy(() -> ApprovalChannels.load("console", config))
        .isInstanceOfSatisfying(ApprovalChannelException.class,
            e -> assertThat(e.kind()).isEqualTo(ApprovalChannelException.Kind.CONFIGURATION));
  }
}
