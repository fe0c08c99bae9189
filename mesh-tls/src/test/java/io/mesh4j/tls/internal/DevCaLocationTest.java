package io.mesh4j.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DevCaLocationTest {

  @Test
  void defaultIsUnderTheUsersHomeDirectory() {
    assertThat(DevCaLocation.defaultDir("/home/alice", "/tmp", "alice")).isEqualTo(Path.of("/home/alice/.mesh4j/dev-ca"));
  }

  @Test
  void withoutAHomeDirectoryItIsPerUserUnderTheTempDirectory() {
    assertThat(DevCaLocation.defaultDir("?", "/tmp", "alice")).isEqualTo(Path.of("/tmp/mesh4j-dev-ca-alice"));
    assertThat(DevCaLocation.defaultDir(null, "/var/tmp", "bob")).isEqualTo(Path.of("/var/tmp/mesh4j-dev-ca-bob"));
    assertThat(DevCaLocation.defaultDir("relative/home", "/tmp", "a/b")).isEqualTo(Path.of("/tmp/mesh4j-dev-ca-a_b"));
  }

  @Test
  void theDefaultOfThisJvmDoesNotDependOnTheWorkingDirectory() {
    assertThat(DevCaLocation.defaultDir()).isAbsolute()
        .isEqualTo(Path.of(System.getProperty("user.home"), ".mesh4j", "dev-ca"));
  }
}
