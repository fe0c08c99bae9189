package io.mesh4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalProcessTest {

  @TempDir Path dir;

  @Test
  void aProcessThatExitsBeforeListeningFailsWithItsOutput() throws Exception {
    ExternalProcess.require("sh", "dash");
    try (ExternalProcess p = ExternalProcess.start(List.of("sh", "-c", "echo 'bind() failed' >&2; exit 3"), dir.resolve("log"))) {
      assertThatThrownBy(() -> p.awaitPort(ExternalProcess.freePort(), Duration.ofSeconds(10)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("exited with 3 before listening")
          .hasMessageContaining("bind() failed");
    }
  }

  @Test
  void closeEndsTheProcessAndItsChildren() throws Exception {
    // like nginx: a parent (which ends on SIGTERM) with a child of its own
    ExternalProcess p = ExternalProcess.start(List.of("sh", "-c", "sleep 60 & exec sleep 61"), dir.resolve("log"));
    List<ProcessHandle> children;
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> p.process().descendants().findAny().isPresent());
      children = p.process().descendants().toList();
    } finally {
      p.close();
    }
    assertThat(p.process().isAlive()).isFalse();
    assertThat(children).isNotEmpty().noneMatch(ProcessHandle::isAlive);
  }
}
