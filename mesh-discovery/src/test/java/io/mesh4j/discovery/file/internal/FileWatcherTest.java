package io.mesh4j.discovery.file.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWatcherTest {

  @TempDir Path dir;
  private final List<FileContent> changes = new CopyOnWriteArrayList<>();
  private FileWatcher watcher;

  private FileWatcher start(Path file, Duration interval, Duration settle) {
    watcher = new FileWatcher(file, interval, settle, new TestThreads("file-watcher-test"), changes::add);
    watcher.start();
    return watcher;
  }

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private static FileContent bytes(String text) {
    return new FileContent.Bytes(text.getBytes(UTF_8));
  }

  private void awaitLast(FileContent expected) {
    await().atMost(Duration.ofSeconds(5)).until(() -> !changes.isEmpty() && changes.get(changes.size() - 1).equals(expected));
  }

  @Test
  void anAtomicReplaceAndAnInPlaceRewriteWithTheSameSizeAndTimestampAreBothSeen() throws IOException {
    Path file = dir.resolve("endpoints.json");
    Files.writeString(file, "version-1");
    start(file, Duration.ofMillis(10), Duration.ofMillis(30));
    awaitLast(bytes("version-1"));

    Path tmp = dir.resolve("endpoints.json.tmp");
    Files.writeString(tmp, "version-2");
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    awaitLast(bytes("version-2"));

    FileTime modified = Files.getLastModifiedTime(file);
    Files.writeString(file, "version-3"); // truncates and writes in place
    Files.setLastModifiedTime(file, modified); // as if within the file system's timestamp resolution
    awaitLast(bytes("version-3"));

    assertThat(changes).containsExactly(bytes("version-1"), bytes("version-2"), bytes("version-3"));
  }

  @Test
  void aWriterHalfWayThroughIsNotReportedOnlyWhatItWroteInTheEnd() throws Exception {
    Path file = dir.resolve("endpoints.json");
    Files.writeString(file, "{\"old\":true}");
    start(file, Duration.ofMillis(5), Duration.ofMillis(500));
    awaitLast(bytes("{\"old\":true}"));

    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write("{\"new\":".getBytes(UTF_8));
      out.flush();
      Thread.sleep(50); // a slow writer: the watcher reads the half-written file many times meanwhile
      out.write("true}".getBytes(UTF_8));
    }

    awaitLast(bytes("{\"new\":true}"));
    assertThat(changes).containsExactly(bytes("{\"old\":true}"), bytes("{\"new\":true}"));
  }

  @Test
  void aFileThatStaysBrokenIsReportedOnceWhenItHasHeldStill() throws IOException {
    Path file = dir.resolve("endpoints.json");
    Files.writeString(file, "good");
    start(file, Duration.ofMillis(10), Duration.ofMillis(30));
    awaitLast(bytes("good"));

    Files.writeString(file, "{broken");

    awaitLast(bytes("{broken"));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> changes.size() == 2);
  }

  @Test
  void aMissingFileIsOneStateUntilItAppears() throws IOException {
    Path file = dir.resolve("not-yet.json");
    start(file, Duration.ofMillis(10), Duration.ofMillis(30));
    awaitLast(new FileContent.Unreadable("no such file"));
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> changes.size() == 1);

    Files.writeString(file, "here");

    awaitLast(bytes("here"));
    assertThat(changes).hasSize(2);
  }

  @Test
  void refreshReadsTheFileNowRatherThanAtTheNextPoll() throws IOException {
    Path file = dir.resolve("endpoints.json");
    Files.writeString(file, "version-1");
    start(file, Duration.ofHours(1), Duration.ofMillis(30));
    awaitLast(bytes("version-1"));
    Files.writeString(file, "version-2");

    watcher.refresh();

    awaitLast(bytes("version-2"));
  }

  @Test
  void closeStopsTheWatchThreadAndNothingIsReportedAfterwards() throws IOException {
    LeakCheck leaks = LeakCheck.snapshot();
    Path file = dir.resolve("endpoints.json");
    Files.writeString(file, "version-1");
    start(file, Duration.ofMillis(10), Duration.ofMillis(10));
    awaitLast(bytes("version-1"));

    watcher.close();
    leaks.assertNoNewMeshThreads();
    Files.writeString(file, "version-2");
    watcher.refresh(); // after close: ignored, not an exception

    assertThat(changes).containsExactly(bytes("version-1"));
  }

  @Test
  void aDirectoryIsNotReadAsAFile() throws IOException {
    start(Files.createDirectory(dir.resolve("endpoints.json")), Duration.ofMillis(10), Duration.ofMillis(10));

    awaitLast(new FileContent.Unreadable("it is a directory"));
  }
}
