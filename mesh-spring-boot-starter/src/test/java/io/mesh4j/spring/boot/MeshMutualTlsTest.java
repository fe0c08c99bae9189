package io.mesh4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.mesh4j.MeshClient;
import io.mesh4j.tls.CallerPolicy;
import io.mesh4j.tls.MeshTlsExtension;
import io.mesh4j.tls.MeshTlsServer;
import io.mesh4j.tls.SpiffeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * mTLS end to end: the app's RestClient calls an orders backend that serves with its own SVID (a
 * second MeshClient's MeshTlsServer, on the same dev CA) and checks that the caller is the
 * frontend; the health endpoint shows the frontend's SVID and its time to expiry.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = TestApp.class,
    properties = {"management.endpoints.web.exposure.include=health", "management.endpoint.health.show-details=always"})
class MeshMutualTlsTest {

  static Path dir;
  static MeshClient ordersMesh;
  static HttpsServer orders;
  static ExecutorService ordersExecutor = Executors.newCachedThreadPool();
  static final AtomicInteger ordersRequests = new AtomicInteger();

  @BeforeAll
  static void startOrdersWithItsOwnSvid() throws IOException {
    dir = Files.createTempDirectory("mesh4j-spring-mtls");
    ordersMesh = MeshClient.builder()
        .service("orders")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.tls.dev-ca.dir", dir.resolve("ca").toString())
        .build();
    MeshTlsServer tls = ordersMesh.extension(MeshTlsExtension.class).orElseThrow()
        .server(CallerPolicy.allow(SpiffeId.parse("spiffe://mesh.local/frontend")));
    orders = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    orders.setHttpsConfigurator(tls.httpsConfigurator());
    orders.createContext("/", ex -> {
      ordersRequests.incrementAndGet();
      SpiffeId caller = tls.authorize(((HttpsExchange) ex).getSSLSession());
      byte[] body = ("orders saw " + caller + " at " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (var out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    orders.setExecutor(ordersExecutor);
    orders.start();
  }

  @AfterAll
  static void stopOrders() throws IOException {
    orders.stop(0);
    ordersExecutor.shutdownNow();
    ordersMesh.close();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  @DynamicPropertySource
  static void mesh(DynamicPropertyRegistry registry) {
    registry.add("mesh.service", () -> "frontend");
    registry.add("mesh.tls.dev-ca.dir", () -> dir.resolve("ca").toString());
    registry.add("mesh.services.orders.endpoints", () -> "127.0.0.1:" + orders.getAddress().getPort());
  }

  @Autowired RestClient.Builder restClientBuilder;
  @LocalServerPort int port;

  @Test
  void restClientCallsAnMtlsBackendThatSeesTheFrontendsSpiffeId() {
    int before = ordersRequests.get();
    String answer = restClientBuilder.build().get().uri("http://orders/items/5").retrieve().body(String.class);
    assertThat(answer).isEqualTo("orders saw spiffe://mesh.local/frontend at /items/5");
    assertThat(ordersRequests.get() - before).isEqualTo(1);
  }

  @Test
  void healthShowsTheSvidAndItsTimeToExpiry() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode svid = new ObjectMapper().readTree(r.body()).path("components").path("mesh").path("details").path("svid");
    assertThat(svid.path("spiffeId").asText()).isEqualTo("spiffe://mesh.local/frontend");
    assertThat(svid.path("secondsToExpiry").asLong()).isBetween(1L, 3600L);
    assertThat(r.body()).doesNotContain("BEGIN CERTIFICATE");
  }
}
