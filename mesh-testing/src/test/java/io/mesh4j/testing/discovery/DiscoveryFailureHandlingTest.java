package io.mesh4j.testing.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import io.mesh4j.NoHealthyEndpointException;
import io.mesh4j.discovery.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What callers see when discovery is slow, failing, or changes its mind. */
class DiscoveryFailureHandlingTest {

  private final FakeDiscovery fake = new FakeDiscovery();
  private HttpServer first;
  private HttpServer second;
  private MeshClient mesh;
  private OkHttpClient http;

  private static HttpServer backend(String name) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    s.createContext(
        "/",
        exchange -> {
          byte[] body = name.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    s.start();
    return s;
  }

  private static Endpoint endpointOf(HttpServer s) {
    return Endpoint.of("127.0.0.1", s.getAddress().getPort());
  }

  @BeforeEach
  void start() throws IOException {
    first = backend("first");
    second = backend("second");
    mesh =
        MeshClient.builder()
            .service("frontend")
            .environment(Map.of())
            .systemProperties(new Properties())
            .discoveryProvider(fake)
            .property("mesh.services.orders.discovery", "fake")
            .property("mesh.services.orders.discovery.initial-wait", "300ms")
            .build();
    http = mesh.wrap(new OkHttpClient());
  }

  @AfterEach
  void stop() {
    mesh.close();
    first.stop(0);
    second.stop(0);
  }

  private String call() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
      return r.body().string();
    }
  }

  @Test
  void requestFailsClearlyWhenDiscoveryNeverAnswers() {
    assertThatThrownBy(this::call)
        .isInstanceOf(NoHealthyEndpointException.class)
        .hasMessageContaining("'orders'")
        .hasMessageContaining("no answer within 300ms");
  }

  @Test
  void discoveryErrorBeforeAnyEndpointsReachesTheCallerAsCause() {
    IOException backendDown = new IOException("etcd at 127.0.0.1:2379 unreachable");
    fake.fail("orders", backendDown);
    assertThatThrownBy(this::call)
        .isInstanceOf(NoHealthyEndpointException.class)
        .hasMessageContaining("discovery failed: etcd at 127.0.0.1:2379 unreachable")
        .hasCause(backendDown);
  }

  @Test
  void lastGoodEndpointsKeepServingWhileDiscoveryFails() throws IOException {
    fake.setEndpoints("orders", List.of(endpointOf(first)));
    assertThat(call()).isEqualTo("first");
    fake.fail("orders", new IOException("backend down"));
    for (int i = 0; i < 5; i++) {
      assertThat(call()).isEqualTo("first");
    }
  }

  @Test
  void newSnapshotReplacesTheOldOneForTheNextRequests() throws IOException {
    fake.setEndpoints("orders", List.of(endpointOf(first)));
    assertThat(call()).isEqualTo("first");
    fake.setEndpoints("orders", List.of(endpointOf(second)));
    for (int i = 0; i < 5; i++) {
      assertThat(call()).isEqualTo("second");
    }
  }

  @Test
  void anAuthoritativeEmptySnapshotFailsRequestsNamingTheService() throws IOException {
    fake.setEndpoints("orders", List.of(endpointOf(first)));
    assertThat(call()).isEqualTo("first");
    fake.setUpdate("orders", io.mesh4j.discovery.DiscoveryUpdate.of(List.of()).asAuthoritative());
    assertThatThrownBy(this::call)
        .isInstanceOf(NoHealthyEndpointException.class)
        .hasMessageContaining("orders");
  }
}
