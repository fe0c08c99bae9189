package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.testing.ManualClock;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.internal.MaxConnectionAgeInterceptor;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** {@code mesh.tls.max-connection-age}, counted at the server: how many TLS connections it accepted. */
class MaxConnectionAgeTest {

  @Test
  void aConnectionOverTheMaxAgeServesOneLastRequestAndTheNextRequestOpensANewOne() throws Exception {
    TestCa ca = TestCa.root("example.org");
    SpiffeId orders = SpiffeId.parse("spiffe://example.org/orders");
    ManualX509Source clientSrc = ManualX509Source.of(TlsFixtures.svid(ca.svid("spiffe://example.org/frontend")),
        TlsFixtures.bundles("example.org", ca));
    ManualX509Source serverSrc = ManualX509Source.of(TlsFixtures.svid(ca.svid(orders.toString())),
        TlsFixtures.bundles("example.org", ca));
    MeshTls tls = MeshTls.builder(clientSrc).build();
    ManualClock clock = new ManualClock();
    try (Server server = Server.mesh(MeshTlsServer.create(MeshTls.builder(serverSrc).build(),
        CallerPolicy.allowUnder(TrustDomain.parse("example.org").id())))) {
      OkHttpClient http = TlsFixtures.meshClient(tls, "orders", orders).newBuilder()
          .addNetworkInterceptor(new MaxConnectionAgeInterceptor(Duration.ofMinutes(1), clock))
          .build();
      Request req = new Request.Builder().url(server.url())
          .tag(MeshAttempt.class, new MeshAttempt("orders", Endpoint.of("127.0.0.1", server.port()), 1))
          .build();

      call(http, req, 3);
      assertThat(server.connectionsAccepted()).isEqualTo(1);

      clock.advance(Duration.ofSeconds(59));
      call(http, req, 1);
      assertThat(server.connectionsAccepted()).as("still under the age").isEqualTo(1);

      clock.advance(Duration.ofSeconds(1));
      call(http, req, 1);
      assertThat(server.connectionsAccepted()).as("the old connection served its last request").isEqualTo(1);
      call(http, req, 3);
      assertThat(server.connectionsAccepted()).as("one new connection, kept alive").isEqualTo(2);

      clock.advance(Duration.ofSeconds(59));
      call(http, req, 1);
      assertThat(server.connectionsAccepted()).as("the new connection's age counts from its own first request").isEqualTo(2);
      TlsFixtures.shutdown(http);
    }
    tls.close();
  }

  private static void call(OkHttpClient http, Request req, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      try (Response r = http.newCall(req).execute()) {
        assertThat(r.code()).isEqualTo(200);
        r.body().string();
      }
    }
  }
}
