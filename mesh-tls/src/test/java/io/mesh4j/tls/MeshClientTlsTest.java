package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through main's MeshClient: properties file, ServiceLoader, pipeline, mTLS. */
class MeshClientTlsTest {

  @TempDir Path dir;

  @Test
  void meshClientCallsAServiceOverMutualTlsAndRejectsAnImpostor() throws Exception {
    Path ca = dir.resolve("ca");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    X509Source ordersSrc = X509Sources.devCa(ca, SpiffeId.parse("spiffe://example.org/orders"), Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
    X509Source impostorSrc = X509Sources.devCa(ca, SpiffeId.parse("spiffe://example.org/impostor"), Duration.ofHours(1), scheduler, MeshClock.SYSTEM);
    CallerPolicy frontendOnly = CallerPolicy.allow(SpiffeId.parse("spiffe://example.org/frontend"));
    try (Server orders = Server.mesh(MeshTlsServer.create(MeshTls.builder(ordersSrc).build(), frontendOnly));
        Server impostor = Server.mesh(MeshTlsServer.create(MeshTls.builder(impostorSrc).build(), frontendOnly))) {
      Path props = dir.resolve("mesh.properties");
      Files.writeString(props, String.join("\n",
          "mesh.service=frontend",
          "mesh.trust-domain=example.org",
          "mesh.tls.dev-ca.dir=" + ca,
          "mesh.services.orders.endpoints=127.0.0.1:" + orders.port(),
          "mesh.services.payments.endpoints=127.0.0.1:" + impostor.port(),
          ""));
      try (MeshClient mesh = MeshClient.fromProperties(props)) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        try (Response r = http.newCall(new Request.Builder().url("http://orders/items/42").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("spiffe://example.org/frontend");
          assertThat(r.handshake()).isNotNull();
        }
        assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://payments/x").build()).execute())
            .hasStackTraceContaining("expected spiffe://example.org/payments, got spiffe://example.org/impostor");
        TlsFixtures.shutdown(http);
      }
    } finally {
      ordersSrc.close();
      impostorSrc.close();
      scheduler.shutdownNow();
    }
  }
}
