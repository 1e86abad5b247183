package dev.leasehold.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The system-prompt block keeps every rule an agent needs before it touches AWS. */
class AwsAccessRulesTest {
  @Test
  void rulesCoverRoleReasonWaitingDenialWideningAndSecrets() {
    assertThat(AwsAccessRules.text())
        .contains("smallest catalog role")
        .contains("one concrete reason")
        .contains("Wait for the human's decision")
        .contains("DENIED, do not retry it")
        .contains("Never ask to widen a role")
        .contains("Never ask for, print or guess credentials");
  }

  @Test
  void rulesNameEveryAnswerTheToolsCanGive() {
    assertThat(AwsAccessRules.text()).contains("DENIED", "OUT OF SCOPE", "REFUSED", "NO DECISION",
        "BUDGET EXHAUSTED", "UNAVAILABLE", "request_aws_access");
  }
}
