package dev.leasehold.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretFilesTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"rw-------", "r--------", "rwx------", "---------"})
  void aFileOnlyItsOwnerMayUseIsPrivate(String mode) throws IOException {
    Path file = secret(mode);

    assertThat(SecretFiles.openToOthers(file)).isEmpty();
    assertThat(SecretFiles.mode(file)).isEqualTo(mode);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r-----", "rw--w----", "rw---x---", "rw----r--", "rw-----w-", "rw------x", "rw-r--r--"})
  void anyPermissionOfGroupOrOthersIsReported(String mode) throws IOException {
    Path file = secret(mode);

    assertThat(SecretFiles.openToOthers(file)).isNotEmpty()
        .containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("---" + mode.substring(3)))
        .noneMatch(p -> p.name().startsWith("OWNER"));
    assertThat(SecretFiles.mode(file)).isEqualTo(mode);
  }

  @Test
  void aSymbolicLinkIsJudgedByTheFileItNames() throws IOException {
    Path privateKey = secret("rw-------");
    Path link = Files.createSymbolicLink(dir.resolve("link"), privateKey);
    assertThat(SecretFiles.openToOthers(link)).isEmpty();

    Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(SecretFiles.openToOthers(link)).containsExactlyInAnyOrder(PosixFilePermission.GROUP_READ,
        PosixFilePermission.OTHERS_READ);
  }

  @Test
  void aMissingFileIsAnIoErrorNotPrivate() {
    assertThatThrownBy(() -> SecretFiles.openToOthers(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    assertThat(SecretFiles.mode(dir.resolve("missing"))).isEqualTo("permissions unreadable");
  }

  private Path secret(String mode) throws IOException {
    Path file = Files.writeString(dir.resolve("secret-" + mode.replace('-', '_')), "s3cr3t\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }
}
