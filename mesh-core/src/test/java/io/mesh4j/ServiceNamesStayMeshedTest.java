package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service name is reached only through the mesh, whatever the spelling or the path a request
 * takes to it: a redirect from an ordinary host, a fully-qualified name with a trailing dot, or
 * https asked of a service called over plaintext. Each test checks what the other side saw
 * (connections accepted, requests received), not only the client's error.
 */
class ServiceNamesStayMeshedTest {

  private final List<String> lookups = new CopyOnWriteArrayList<>();
  /** "orders" resolves, as a Kubernetes Service name would: to an impostor that must see nothing. */
  private final Dns dns = host -> {
    lookups.add(host);
    if (host.equals("orders") || host.equals("orders.")) {
      return List.of(InetAddress.getByName("127.0.0.1"));
    }
    return Dns.SYSTEM.lookup(host);
  };
  private Backends orders;
  private MeshClient mesh;
  private OkHttpClient http;

  @BeforeEach
  void start() throws IOException {
    orders = Backends.naming(1);
    mesh = TestMesh.builder().property("mesh.services.orders.endpoints", orders.endpoints()).build();
    http = mesh.wrap(new OkHttpClient.Builder().dns(dns).build());
  }

  @AfterEach
  void stop() {
    mesh.close();
    orders.close();
  }

  private static MockWebServer redirectingTo(String location) throws IOException {
    MockWebServer external = new MockWebServer();
    external.enqueue(new MockResponse.Builder().code(302).addHeader("Location", location).build());
    external.start(InetAddress.getByName("127.0.0.1"), 0);
    return external;
  }

  @Test
  void aRedirectFromAnotherHostToAServiceNameIsRefusedBeforeAnyConnection() throws Exception {
    try (KeepAliveServer impostor = new KeepAliveServer();
        MockWebServer external = redirectingTo("http://orders:" + impostor.port() + "/secret")) {
      String url = "http://127.0.0.1:" + external.getPort() + "/login";

      assertThatThrownBy(() -> http.newCall(new Request.Builder().url(url).build()).execute())
          .isInstanceOf(UnknownHostException.class)
          .hasMessageContaining("'orders' is a mesh service");

      assertThat(external.getRequestCount()).isEqualTo(1);
      assertThat(impostor.accepted).as("connections to what 'orders' resolves to").hasValue(0);
      assertThat(lookups).doesNotContain("orders");
    }
  }

  @Test
  void anHttpsRedirectToAServiceNameIsRefusedToo() throws Exception {
    try (KeepAliveServer impostor = new KeepAliveServer();
        MockWebServer external = redirectingTo("https://orders:" + impostor.port() + "/secret")) {
      String url = "http://127.0.0.1:" + external.getPort() + "/login";

      assertThatThrownBy(() -> http.newCall(new Request.Builder().url(url).build()).execute())
          .isInstanceOf(UnknownHostException.class)
          .hasMessageContaining("'orders' is a mesh service");
      assertThat(impostor.accepted).hasValue(0);
    }
  }

  @Test
  void aRedirectToARemovedServiceNameIsRefusedToo() throws Exception {
    mesh.apply(mesh.configLoader().source(io.mesh4j.config.PropertySource.fromMap(
        Map.of("mesh.service", "frontend", "mesh.services.payments.endpoints", orders.endpoints()), "test")).load());
    try (KeepAliveServer impostor = new KeepAliveServer();
        MockWebServer external = redirectingTo("http://orders:" + impostor.port() + "/secret")) {
      String url = "http://127.0.0.1:" + external.getPort() + "/login";

      assertThatThrownBy(() -> http.newCall(new Request.Builder().url(url).build()).execute())
          .isInstanceOf(UnknownHostException.class);
      assertThat(impostor.accepted).hasValue(0);
    }
  }

  @Test
  void ordinaryRedirectsBetweenOtherHostsStillWork() throws Exception {
    try (MockWebServer target = new MockWebServer()) {
      target.enqueue(new MockResponse.Builder().body("landed").build());
      target.start(InetAddress.getByName("127.0.0.1"), 0);
      try (MockWebServer external = redirectingTo("http://localhost:" + target.getPort() + "/next")) {
        try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + external.getPort() + "/").build())
            .execute()) {
          assertThat(r.body().string()).isEqualTo("landed");
        }
      }
    }
  }

  @Test
  void aTrailingDotNamesTheSameServiceAndGoesThroughTheMesh() throws Exception {
    try (Response r = http.newCall(new Request.Builder().url("http://orders./items").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("port=" + orders.servers.get(0).getPort());
    }
    RecordedRequest seen = orders.servers.get(0).takeRequest();
    assertThat(seen.getHeaders().get("Host")).isEqualTo("orders");
    assertThat(lookups).doesNotContain("orders.", "orders");
  }

  @Test
  void httpsAskedOfAServiceCalledOverPlaintextIsRefusedNotDowngraded() {
    assertThatThrownBy(() -> http.newCall(new Request.Builder().url("https://orders/account")
            .header("Authorization", "Bearer secret").build()).execute())
        .isInstanceOf(PlaintextRefusedException.class)
        .hasMessageContaining("https://orders/")
        .hasMessageContaining("mesh-tls is not on the class path")
        .hasMessageContaining("Use http://orders/...");
    assertThat(orders.servers.get(0).getRequestCount()).as("requests the backend received").isZero();
  }
}
