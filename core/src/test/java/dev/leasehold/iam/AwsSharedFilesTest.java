package dev.leasehold.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The AWS CLI's and SDKs' rule for the home folder and the shared files. */
class AwsSharedFilesTest {
  @Test
  void homeComesFromHomeBeforeUserHome() {
    assertThat(AwsSharedFiles.home(Map.of("HOME", "/x"), "/home/agent")).isEqualTo(Path.of("/x"));
    assertThat(AwsSharedFiles.home(Map.of("HOME", " "), "/home/agent")).isEqualTo(Path.of("/home/agent"));
    assertThat(AwsSharedFiles.home(Map.of(), "/home/agent")).isEqualTo(Path.of("/home/agent"));
  }

  @Test
  void theFilesAreUnderHomeUnlessTheVariablesNameThem() {
    Path home = Path.of("/x");
    assertThat(AwsSharedFiles.credentialsFile(Map.of(), home)).isEqualTo(Path.of("/x/.aws/credentials"));
    assertThat(AwsSharedFiles.configFile(Map.of(), home)).isEqualTo(Path.of("/x/.aws/config"));
    assertThat(AwsSharedFiles.credentialsFile(Map.of("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/creds"), home))
        .isEqualTo(Path.of("/etc/aws/creds"));
    assertThat(AwsSharedFiles.configFile(Map.of("AWS_CONFIG_FILE", "~/cfg/aws"), home)).isEqualTo(Path.of("/x/cfg/aws"));
    assertThat(AwsSharedFiles.leaseholdFolder(home)).isEqualTo(Path.of("/x/.leasehold"));
  }
}
