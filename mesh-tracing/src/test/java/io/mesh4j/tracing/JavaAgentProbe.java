package io.mesh4j.tracing;

import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Run by {@link JavaAgentCoexistenceTest} in a JVM of its own under the OpenTelemetry Java agent:
 * one mesh request to a backend that fails the first attempt with 503 (retried once by {@link
 * RetryOnceModule}); prints each {@code traceparent} the backend saw and the final status.
 */
public final class JavaAgentProbe {

  public static void main(String[] args) throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    backend.createContext(
        "/",
        exchange -> {
          for (String traceparent : exchange.getRequestHeaders().getOrDefault("traceparent", java.util.List.of())) {
            System.out.println("BACKEND-TRACEPARENT " + traceparent);
          }
          exchange.sendResponseHeaders(requests.incrementAndGet() == 1 ? 503 : 200, -1);
          exchange.close();
        });
    backend.start();
    MeshClient.Builder builder =
        MeshClient.builder()
            .service("frontend")
            .environment(Map.of())
            .systemProperties(new Properties())
            .module(new RetryOnceModule())
            .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.getAddress().getPort());
    if (args.length > 0) {
      builder.property("mesh.tracing.attempt-spans", args[0]);
    }
    try (MeshClient mesh = builder.build();
        Response response =
            mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/items").build()).execute()) {
      System.out.println("STATUS " + response.code());
    } finally {
      backend.stop(0);
    }
  }
}
