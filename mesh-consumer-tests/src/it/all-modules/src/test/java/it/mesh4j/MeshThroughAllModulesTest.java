package it.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.mesh4j.MeshClient;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.tls.CallerPolicy;
import io.mesh4j.tls.MeshTlsExtension;
import io.mesh4j.tls.MeshTlsServer;
import io.mesh4j.tls.SpiffeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttp;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's first request through the mesh, with every module on the classpath as the BOM resolves
 * them: a properties file, a real backend on 127.0.0.1, and what the backend saw.
 */
class MeshThroughAllModulesTest {

  @TempDir Path dir;

  @Test
  void bomManagesOkHttpToTheVersionMesh4jIsBuiltWith() {
    assertThat(OkHttp.VERSION).isEqualTo(System.getProperty("expected.okhttp.version"));
  }

  @Test
  void aPlaintextBackendServesARequestSentToItsServiceName() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext("/", exchange -> {
      seen.add(exchange.getRequestURI() + " Host: " + exchange.getRequestHeaders().getFirst("Host"));
      reply(exchange, "hello from orders");
    });
    backend.start();
    LeakCheck leaks = LeakCheck.snapshot();
    try {
      Path properties = write("mesh.properties",
          "mesh.service=frontend",
          "mesh.services.orders.endpoints=127.0.0.1:" + backend.getAddress().getPort(),
          // mesh-tls is on the classpath: mTLS would be the default, this backend is plaintext
          "mesh.tls.mode=disabled");
      try (MeshClient mesh = MeshClient.fromProperties(properties)) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        try (Response response = http.newCall(new Request.Builder().url("http://orders/items/42").build()).execute()) {
          assertThat(response.code()).isEqualTo(200);
          assertThat(response.body().string()).isEqualTo("hello from orders");
        }
      }
      assertThat(seen).containsExactly("/items/42 Host: orders");
      leaks.assertNoNewMeshThreads();
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void anMtlsBackendWithItsOwnSvidFromTheDevCaSeesTheCallersSpiffeId() throws Exception {
    // Both workloads share one dev CA; here a temp dir, so no state outlives the test.
    String caDir = dir.resolve("ca").toString();
    List<String> callers = new CopyOnWriteArrayList<>();
    try (MeshClient server = MeshClient.builder().service("orders").environment(Map.of())
        .systemProperties(new Properties()).property("mesh.tls.dev-ca.dir", caDir).build()) {
      MeshTlsServer tls = server.extension(MeshTlsExtension.class).orElseThrow()
          .server(CallerPolicy.allow(SpiffeId.parse("spiffe://mesh.local/frontend")));
      HttpsServer backend = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      backend.setHttpsConfigurator(tls.httpsConfigurator());
      backend.createContext("/", exchange -> {
        callers.add(tls.authorize(((HttpsExchange) exchange).getSSLSession()).toString());
        reply(exchange, "hello over mTLS");
      });
      backend.start();
      try {
        Path properties = write("mtls.properties",
            "mesh.service=frontend",
            "mesh.services.orders.endpoints=127.0.0.1:" + backend.getAddress().getPort(),
            "mesh.tls.dev-ca.dir=" + caDir);
        try (MeshClient mesh = MeshClient.fromProperties(properties)) {
          OkHttpClient http = mesh.wrap(new OkHttpClient());
          try (Response response = http.newCall(new Request.Builder().url("http://orders/hello").build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).isEqualTo("hello over mTLS");
          }
        }
      } finally {
        backend.stop(0);
      }
    }
    assertThat(callers).containsExactly("spiffe://mesh.local/frontend");
  }

  private Path write(String name, String... lines) throws IOException {
    return Files.write(dir.resolve(name), List.of(lines), StandardCharsets.UTF_8);
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
