package io.mesh4j.tls.internal;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mesh4j.tls.X509Source;
import io.mesh4j.tls.X509Sources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the files source as a user starts it ({@link X509Sources#files}): an SVID chain, its key
 * and a bundle read from disk. One input holds the three files, separated by NUL bytes (which PEM
 * never contains); a missing part is an empty file. Starting either succeeds with a consistent SVID
 * or fails with an {@link IllegalArgumentException} that names the file at fault.
 */
class FilesSourceFuzzTest {

  private static Path dir;
  private static ScheduledExecutorService scheduler;

  @BeforeAll
  static void files() throws IOException {
    dir = Files.createTempDirectory("mesh4j-files-fuzz");
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void cleanUp() throws IOException {
    scheduler.shutdownNow();
    for (String name : new String[] {"svid.pem", "svid-key.pem", "bundle.pem"}) {
      Files.deleteIfExists(dir.resolve(name));
    }
    Files.deleteIfExists(dir);
  }

  @FuzzTest
  void load(byte[] data) throws IOException {
    byte[][] parts = split(data);
    Path cert = Files.write(dir.resolve("svid.pem"), parts[0]);
    Path key = Files.write(dir.resolve("svid-key.pem"), parts[1]);
    Path bundle = Files.write(dir.resolve("bundle.pem"), parts[2]);
    X509Source source;
    try {
      // polls every hour: only the first load runs here
      source = X509Sources.files(cert, key, bundle, PemFuzzChecks.TRUST_DOMAIN, Duration.ofHours(1), scheduler,
          PemFuzzChecks.CLOCK);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, null);
      assertThat(e.getMessage()).as("names the file at fault")
          .containsAnyOf(cert.toString(), key.toString(), bundle.toString());
      return;
    }
    try (source) {
      assertThat(source.svid().spiffeId().trustDomain()).isEqualTo(PemFuzzChecks.TRUST_DOMAIN);
      assertThat(source.svid().isValidAt(PemFuzzChecks.CLOCK.wallMillis())).isTrue();
      PemFuzzChecks.checkCertificates(source.svid().chain());
    }
  }

  /** The chain, key and bundle files: the input split at its first two NUL bytes. */
  static byte[][] split(byte[] data) {
    byte[][] out = {new byte[0], new byte[0], new byte[0]};
    int part = 0;
    int start = 0;
    for (int i = 0; i <= data.length && part < 3; i++) {
      if (i == data.length || (data[i] == PemFuzzSeeds.SEPARATOR && part < 2)) {
        out[part++] = Arrays.copyOfRange(data, start, i);
        start = i + 1;
      }
    }
    return out;
  }
}
