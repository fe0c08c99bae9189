package io.mesh4j.resilience;

import io.mesh4j.MeshClient;
import io.mesh4j.config.ConfigDiff;
import io.mesh4j.config.PropertySource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;

/** Test helpers: isolated mesh builders and local backends. */
final class TestMeshes {

  private TestMeshes() {}

  /** A mesh builder isolated from the process environment, with this module. */
  static MeshClient.Builder builder(ResilienceModule module) {
    return MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .module(module);
  }

  /** A mesh builder isolated from the process environment, with mesh-resilience. */
  static MeshClient.Builder builder() {
    return builder(new ResilienceModule());
  }

  /** A started mesh configured with {@code properties} (besides {@code mesh.service}). */
  static MeshClient start(Map<String, String> properties) {
    MeshClient.Builder b = builder();
    properties.forEach(b::property);
    return b.build();
  }

  /** {@code base} with some keys added or replaced. */
  static Map<String, String> with(Map<String, String> base, String... keyValues) {
    Map<String, String> out = new LinkedHashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1]);
    }
    return out;
  }

  /**
   * Applies a configuration to a running client, as a reload would: {@code properties} is the
   * whole new configuration (besides {@code mesh.service}).
   */
  static ConfigDiff apply(MeshClient mesh, Map<String, String> properties) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("mesh.service", "frontend");
    all.putAll(properties);
    return mesh.apply(mesh.configLoader().source(PropertySource.fromMap(all, "test")).load());
  }

  /** The client's resilience state of a service. */
  static ServiceResilienceSnapshot snapshot(MeshClient mesh, String service) {
    return mesh.extension(ResilienceExtension.class).orElseThrow().snapshot(service).orElseThrow();
  }

  /** A started MockWebServer on 127.0.0.1 answering with {@code responder}. */
  static MockWebServer server(Responder responder) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            return responder.respond(request);
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("status " + code).build();
  }

  static String endpoints(MockWebServer... servers) {
    StringBuilder s = new StringBuilder();
    for (MockWebServer server : servers) {
      s.append(s.length() == 0 ? "" : ",").append("127.0.0.1:").append(server.getPort());
    }
    return s.toString();
  }

  /** A port on 127.0.0.1 where nothing listens (bound, then released): connections are refused. */
  static int refusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  static Request get(String url) {
    return new Request.Builder().url(url).build();
  }

  @FunctionalInterface
  interface Responder {
    MockResponse respond(RecordedRequest request) throws InterruptedException;
  }
}
