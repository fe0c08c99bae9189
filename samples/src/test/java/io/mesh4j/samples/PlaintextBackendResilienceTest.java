package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import io.mesh4j.TlsMismatchException;
import io.mesh4j.event.CircuitState;
import io.mesh4j.resilience.ResilienceExtension;
import io.mesh4j.resilience.ServiceResilienceSnapshot;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.testing.PlainNginx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plaintext backend behind a default mTLS route, with every module on the class path: the
 * mismatch is a configuration error, so retries, outlier detection, the circuit breaker and
 * hedging keep its message and do not treat it as the endpoint's failure.
 */
class PlaintextBackendResilienceTest {

  @TempDir Path dir;

  private MeshClient.Builder mesh(String endpoints) {
    return MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.tls.dev-ca.dir", dir.resolve("ca").toString())
        .property("mesh.services.legacy.endpoints", endpoints);
  }

  private static void call(OkHttpClient http) throws Exception {
    http.newCall(new Request.Builder().url("http://legacy/orders").build()).execute().close();
  }

  @Test
  void theMismatchIsNotRetriedOnTheOtherEndpointsDoesNotEjectAndDoesNotOpenTheCircuit() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    try (PlainNginx nginx = PlainNginx.start(dir.resolve("nginx"), 3);
        MeshClient mesh = mesh(nginx.ports().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")))
            .property("mesh.services.legacy.retry.max-attempts", "3")
            .property("mesh.services.legacy.outlier-detection.consecutive-failures", "1")
            .property("mesh.services.legacy.outlier-detection.max-ejection-percent", "100")
            .property("mesh.services.legacy.circuit-breaker.minimum-calls", "2")
            .property("mesh.services.legacy.circuit-breaker.sliding-window-size", "2")
            .property("mesh.services.legacy.circuit-breaker.failure-rate-threshold", "50")
            .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      int calls = 4;
      for (int i = 0; i < calls; i++) {
        assertThatThrownBy(() -> call(http))
            .isInstanceOf(TlsMismatchException.class)
            .hasMessageContaining("mesh.services.legacy.tls.mode=disabled");
      }
      // what nginx saw: one ClientHello (answered 400) per call, never a retry on another port
      await().atMost(Duration.ofSeconds(5)).until(() -> nginx.accessLog().size() >= calls);
      assertThat(nginx.accessLog()).hasSize(calls).allMatch(l -> l.endsWith(" 400"));
      ServiceResilienceSnapshot s = mesh.extension(ResilienceExtension.class).orElseThrow().snapshot("legacy").orElseThrow();
      assertThat(s.ejected()).as("a configuration error ejects no endpoint").isEmpty();
      assertThat(s.circuitState()).as("nor opens the circuit, which would hide the message").isEqualTo(CircuitState.CLOSED);
      http.dispatcher().executorService().shutdown();
    }
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void hedgedRequestsToPlaintextBackendsEndWithTheMismatchWithinTheTimeout() throws Exception {
    List<HttpServer> servers = new ArrayList<>();
    AtomicInteger handled = new AtomicInteger();
    try {
      for (int i = 0; i < 3; i++) {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
          handled.incrementAndGet();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
        s.start();
        servers.add(s);
      }
      String endpoints = servers.stream().map(s -> "127.0.0.1:" + s.getAddress().getPort())
          .collect(Collectors.joining(","));
      try (MeshClient mesh = mesh(endpoints)
          .property("mesh.services.legacy.hedge.delay", "100ms")
          .property("mesh.services.legacy.hedge.max-attempts", "3")
          .property("mesh.services.legacy.timeout", "3s")
          .build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (String which : new String[] {"first", "second"}) { // the first one pays for class loading
          long started = System.nanoTime();
          assertThatThrownBy(() -> call(http))
              .isInstanceOf(TlsMismatchException.class)
              .hasMessageContaining("(service 'legacy')")
              // the JDK server rejects the ClientHello's bytes as a request line: 400, or 404 when
              // its random bytes happen to split into a method and a URI outside every context
              .satisfies(t -> assertThat(t.getMessage()).containsPattern("'HTTP/1\\.1 40[04] (Bad Request|Not Found)'"))
              .hasMessageContaining("mesh.services.legacy.tls.mode=disabled");
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          System.out.println("hedged call to plaintext backends: " + which + " failed after " + took.toMillis() + " ms");
          // generous bounds (the figures: ~1 s warm); a cold JVM adds class loading to the first
          assertThat(took).isLessThan(Duration.ofSeconds(which.equals("first") ? 5 : 3));
        }
        assertThat(handled).as("no request reached a handler").hasValue(0);
        http.dispatcher().executorService().shutdown();
      }
    } finally {
      servers.forEach(s -> s.stop(0));
    }
  }
}
