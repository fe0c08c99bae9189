package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.testing.LogCapture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mTLS on by default (mesh-tls on the class path) is said once at start, with the keys to change it. */
class StartupLogTest {

  private static final String LOGGER = "io.mesh4j.tls.MeshTlsExtension";

  @TempDir Path dir;

  private MeshClient.Builder builder() {
    return MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.trust-domain", "example.org")
        .property("mesh.tls.dev-ca.dir", dir.resolve("ca").toString())
        .property("mesh.services.orders.endpoints", "127.0.0.1:1")
        .property("mesh.services.billing.endpoints", "127.0.0.1:2")
        .property("mesh.services.legacy.endpoints", "127.0.0.1:3")
        .property("mesh.services.legacy.tls.mode", "disabled");
  }

  @Test
  void mutualTlsByDefaultIsLoggedOnceAtInfoNamingTheServicesAndTheKeys() throws Exception {
    try (LogCapture log = new LogCapture()) {
      try (MeshClient mesh = builder().build()) {
        mesh.reload(); // a reload is no new start: no second line
      }
      List<String> lines = log.lines("INFO", LOGGER).stream().filter(l -> l.contains("mesh-tls is on")).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).endsWith("INFO " + LOGGER + " - mesh-tls is on the class path: calls to mesh services"
          + " use mTLS (mesh.tls.mode=strict) as spiffe://example.org/frontend; over mTLS: billing, orders; over"
          + " plaintext (tls.mode=disabled): legacy. A plaintext backend needs mesh.services.<name>.tls.mode=disabled,"
          + " or mesh.tls.mode=disabled for all");
    }
  }

  @Test
  void disabledMutualTlsIsAWarningAndNoInfoLine() throws Exception {
    try (LogCapture log = new LogCapture()) {
      builder().property("mesh.tls.mode", "disabled").property("mesh.services.legacy.tls.mode", "disabled")
          .build().close();
      assertThat(log.lines("INFO", LOGGER)).noneMatch(l -> l.contains("mesh-tls is on"));
      assertThat(log.lines("WARN", LOGGER)).singleElement().asString()
          .contains("mTLS is disabled (mesh.tls.mode=disabled)");
    }
  }
}
