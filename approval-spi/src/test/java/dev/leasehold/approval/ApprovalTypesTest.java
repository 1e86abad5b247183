package dev.leasehold.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApprovalTypesTest {

  @Test
  void writingActionsDefaultToNoneAreKeptByToBuilderAndMustBeIntentActions() {
    ApprovalRequest plain = Requests.sample();
    assertThat(plain.writingActions()).isEmpty();
    ApprovalRequest writes = plain.toBuilder().writingActions(java.util.List.of(plain.intentActions().get(0))).build();
    assertThat(writes.toBuilder().build().writingActions()).containsExactly(plain.intentActions().get(0));
    assertThat(writes.digest()).as("derived from the intent, not part of the fingerprint").isEqualTo(plain.digest());
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> plain.toBuilder().writingActions(java.util.List.of("iam:PassRole")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("iam:PassRole is not one of the intent actions");
    ApprovalRequest old = new ApprovalRequest(plain.id(), plain.agent(), plain.roleKey(), plain.roleArn(),
        plain.environment(), plain.reason(), plain.intentActions(), plain.intentResources(), plain.duration(),
        plain.requestedAt(), plain.decideBy(), plain.requiresMfa(), plain.requiresRoleKeyConfirmation());
    assertThat(old).isEqualTo(plain);
  }

  @Test
  void mfaCodeAcceptsExactlySixDigitsAndNeverPrintsThem() {
    MfaCode code = MfaCode.of("493021");
    assertThat(code.reveal()).isEqualTo("493021");
    assertThat(code).hasToString("MfaCode[******]");
    assertThat(code).isEqualTo(MfaCode.of("493021")).isNotEqualTo(MfaCode.of("493022"));
  }

  @Test
  void mfaCodeRejectsMalformedInputWithoutRepeatingIt() {
    for (String bad : new String[] {"12345", "1234567", "12a456", " 123456", "١٢٣٤٥٦", ""}) {
      assertThatThrownBy(() -> MfaCode.of(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("6 digits")
          .satisfies(e -> {
            if (!bad.isBlank()) {
              assertThat(e.getMessage()).doesNotContain(bad.trim());
            }
          });
      assertThat(MfaCode.isWellFormed(bad)).isFalse();
    }
    assertThatThrownBy(() -> MfaCode.of(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decisionsPrintNoCode() {
    Decision approved = Decision.Approved.withCode("req-1", "alice", MfaCode.of("777111"));
    assertThat(approved.toString()).doesNotContain("777111").contains("alice", "req-1", "******");
    assertThat(approved.requestId()).isEqualTo("req-1");
    assertThat(new Decision.Denied("req-1", "bob", null).note()).isEmpty();
  }

  @Test
  void decisionsAreSealedIntoThreeOutcomes() {
    List<String> seen = new ArrayList<>();
    for (Decision d : List.of(Decision.Approved.withoutCode("a", "x"), new Decision.Denied("b", "y", "n"), new Decision.Expired("c"))) {
      String kind;
      if (d instanceof Decision.Approved a) {
        kind = "approved:" + a.mfaCode().isPresent();
      } else if (d instanceof Decision.Denied n) {
        kind = "denied:" + n.note();
      } else {
        kind = "expired";
      }
      seen.add(kind);
    }
    assertThat(seen).containsExactly("approved:false", "denied:n", "expired");
  }

  @Test
  void approvedNeedsANamedApprover() {
    assertThatThrownBy(() -> new Decision.Approved("r", " ", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("approver");
  }

  @Test
  void requestValidatesAndCopiesItsLists() {
    List<String> actions = new ArrayList<>(List.of("s3:GetObject"));
    ApprovalRequest request = Requests.sample().toBuilder().intentActions(actions).build();
    actions.add("s3:DeleteObject");
    assertThat(request.intentActions()).containsExactly("s3:GetObject");
    assertThatThrownBy(() -> request.toBuilder().decideBy(Instant.parse("2020-01-01T00:00:00Z")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decideBy");
    assertThatThrownBy(() -> request.toBuilder().roleKey(null).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("roleKey");
  }

  @Test
  void digestIsStableAndChangesWithWhatIsApproved() {
    ApprovalRequest request = Requests.sample();
    assertThat(request.digest()).matches("[0-9A-F]{4}-[0-9A-F]{4}").isEqualTo(Requests.sample().digest());
    assertThat(request.toBuilder().reason("upload the nightly build artifacts to another bucket").build().digest())
        .isNotEqualTo(request.digest());
    assertThat(request.toBuilder().intentActions(List.of("s3:DeleteObject")).build().digest())
        .isNotEqualTo(request.digest());
  }

  @Test
  void productionIsRecognised() {
    assertThat(Requests.sample().isProduction()).isFalse();
    assertThat(Requests.sample().toBuilder().environment("prod").build().isProduction()).isTrue();
  }
}
