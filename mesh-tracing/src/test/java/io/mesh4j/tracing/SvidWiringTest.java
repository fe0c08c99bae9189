package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import com.sun.net.httpserver.HttpsServer;
import io.mesh4j.MeshClient;
import io.mesh4j.tls.CallerPolicy;
import io.mesh4j.tls.MeshTlsExtension;
import io.mesh4j.tls.SpiffeId;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mesh-tls found on the classpath with a dev CA: tracing reports the client's SVID and the peer
 * of an mTLS call without anything wired by hand.
 */
@Tag("with-optional-modules")
class SvidWiringTest {

  private static final String FRONTEND = "spiffe://mesh.local/frontend";
  private static final String ORDERS = "spiffe://mesh.local/orders";

  @TempDir Path ca;

  @Test
  void theSvidIsGaugedAndTheMtlsPeerIsOnTheAttemptSpan() throws IOException {
    try (TelemetryFixture telemetry = new TelemetryFixture();
        MeshClient orders = workload("orders").build();
        OrdersServer server = new OrdersServer(orders);
        MeshClient frontend =
            telemetry
                .mesh("127.0.0.1:" + server.port())
                .property("mesh.tls.dev-ca.dir", ca.toString())
                .build()) {
      try (Response r =
          frontend.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.handshake()).as("the call went over mTLS").isNotNull();
      }

      assertThat(telemetry.onlySpanOfKind(SpanKind.CLIENT)).hasAttribute(MeshAttributes.PEER_SPIFFE_ID, ORDERS);
      assertThat(telemetry.metric("mesh.tls.svid.expiry"))
          .hasUnit("s")
          .hasLongGaugeSatisfying(
              g ->
                  g.hasPointsSatisfying(
                      p ->
                          p.hasAttribute(SvidTelemetry.SPIFFE_ID, FRONTEND)
                              .satisfies(point -> assertThat(point.getValue()).isPositive())));
      assertThat(telemetry.metric("mesh.tls.svid.rotations"))
          .hasLongSumSatisfying(s -> s.hasPointsSatisfying(p -> p.hasValue(0).hasAttribute(SvidTelemetry.SPIFFE_ID, FRONTEND)));
    }
  }

  /** A workload sharing the dev CA, isolated from the environment (its tracing is the no-op global). */
  private MeshClient.Builder workload(String service) {
    return MeshClient.builder()
        .service(service)
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.tls.dev-ca.dir", ca.toString());
  }

  /** A JDK HttpsServer serving the orders SVID to frontend callers. */
  private static final class OrdersServer implements AutoCloseable {
    private final HttpsServer server;

    OrdersServer(MeshClient orders) throws IOException {
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
      server.setHttpsConfigurator(
          orders
              .extension(MeshTlsExtension.class)
              .orElseThrow()
              .server(CallerPolicy.allow(SpiffeId.parse(FRONTEND)))
              .httpsConfigurator());
      server.createContext(
          "/",
          exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
