package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.internal.TaskKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task is the same whatever the order or repeats of its actions and resources, and cannot change later. */
class TaskKeyTest {
  static final Duration D = Duration.ofMinutes(15);

  @Test
  void orderAndRepeatsDoNotMakeAnotherTask() {
    TaskKey sorted = new TaskKey("s3-deploy", "r", List.of("s3:GetObject", "s3:PutObject"), List.of("a", "b"), D);
    TaskKey shuffled = new TaskKey("s3-deploy", "r", List.of("s3:PutObject", "s3:GetObject", "s3:PutObject"),
        List.of("b", "a", "a"), D);
    TaskKey repeatedAtTheEnd = new TaskKey("s3-deploy", "r", List.of("s3:GetObject", "s3:PutObject", "s3:PutObject"),
        List.of("a", "b", "b"), D);

    assertThat(shuffled).isEqualTo(sorted).hasSameHashCodeAs(sorted);
    assertThat(repeatedAtTheEnd).isEqualTo(sorted);
    assertThat(shuffled.actions()).containsExactly("s3:GetObject", "s3:PutObject");
    assertThat(repeatedAtTheEnd.resources()).containsExactly("a", "b");
  }

  @Test
  void anotherRoleReasonIntentResourceOrDurationIsAnotherTask() {
    TaskKey key = new TaskKey("s3-deploy", "r", List.of("s3:GetObject"), List.of(), D);
    assertThat(key).isNotEqualTo(new TaskKey("ec2-read", "r", List.of("s3:GetObject"), List.of(), D))
        .isNotEqualTo(new TaskKey("s3-deploy", "r2", List.of("s3:GetObject"), List.of(), D))
        .isNotEqualTo(new TaskKey("s3-deploy", "r", List.of("s3:GetObject", "s3:PutObject"), List.of(), D))
        .isNotEqualTo(new TaskKey("s3-deploy", "r", List.of("s3:GetObject"), List.of("a"), D))
        .isNotEqualTo(new TaskKey("s3-deploy", "r", List.of("s3:GetObject"), List.of(), D.plusMinutes(1)));
  }

  @Test
  void theKeyDoesNotFollowChangesToTheListsItWasMadeFrom() {
    List<String> actions = new ArrayList<>(List.of("s3:GetObject"));
    TaskKey key = new TaskKey("s3-deploy", "r", actions, new ArrayList<>(), D);
    actions.add("s3:DeleteObject");

    assertThat(key.actions()).containsExactly("s3:GetObject");
    assertThatThrownBy(() -> key.actions().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }
}
