package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.internal.PeerIdentityInterceptor;
import io.mesh4j.tls.internal.SpiffeHostnameVerifier;
import io.mesh4j.tls.internal.SpiffeTrustManager;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The per-request re-check on pooled connections, with a trust manager whose accepted issuers do
 * not change (so OkHttp reuses the pooled connection and only the interceptor can catch it).
 */
class PeerIdentityInterceptorTest {

  @Test
  void pooledConnectionFailsOnceItsRootLeavesTheBundleAndIsClosed() throws Exception {
    TestCa ca = TestCa.root("example.org");
    TestCa next = TestCa.root("example.org");
    SpiffeId orders = SpiffeId.parse("spiffe://example.org/orders");
    ManualX509Source clientSrc = ManualX509Source.of(TlsFixtures.svid(ca.svid("spiffe://example.org/frontend")),
        TlsFixtures.bundles("example.org", ca));
    ManualX509Source serverSrc = ManualX509Source.of(TlsFixtures.svid(ca.svid(orders.toString())),
        TlsFixtures.bundles("example.org", ca));
    MeshTls tls = MeshTls.builder(clientSrc).build();
    AtomicReference<TrustBundleSet> interceptorView = new AtomicReference<>(clientSrc.bundles());
    SpiffeHostnameVerifier verifier = (SpiffeHostnameVerifier) tls.verifierFor("orders", Set.of(orders));
    PeerIdentityInterceptor interceptor = new PeerIdentityInterceptor(
        s -> java.util.Optional.of(verifier), new SpiffeTrustManager(interceptorView::get, MeshClock.SYSTEM), interceptorView::get);
    try (Server server = Server.mesh(MeshTlsServer.create(MeshTls.builder(serverSrc).build(),
        CallerPolicy.allowUnder(TrustDomain.parse("example.org").id())))) {
      java.util.List<okhttp3.Connection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
      Endpoint ep = Endpoint.of("127.0.0.1", server.port());
      OkHttpClient http = new OkHttpClient.Builder()
          .sslSocketFactory(tls.socketFactory(), tls.trustManager())
          .hostnameVerifier(verifier)
          .retryOnConnectionFailure(false)
          .addNetworkInterceptor(ch -> {
            connections.add(ch.connection());
            return ch.proceed(ch.request());
          })
          .addNetworkInterceptor(interceptor)
          .build();
      Request req = new Request.Builder().url(server.url()).tag(MeshAttempt.class, new MeshAttempt("orders", ep, 1)).build();
      try (Response r = http.newCall(req).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      interceptorView.set(TlsFixtures.bundles("example.org", next));
      assertThatThrownBy(() -> http.newCall(req).execute())
          .isInstanceOf(PeerIdentityException.class)
          .hasMessageContaining("peer identity rejected for service 'orders' at 127.0.0.1:" + server.port())
          .hasMessageContaining("got " + orders + " (no longer trusted: peer " + orders + " rejected: chain does not verify");
      // The rejected connection was closed: the next request does not get it back from the pool.
      assertThatThrownBy(() -> http.newCall(req).execute()).isInstanceOf(PeerIdentityException.class);
      assertThat(connections).hasSize(3);
      assertThat(connections.get(1)).isSameAs(connections.get(0));
      assertThat(connections.get(2)).isNotSameAs(connections.get(0));
      TlsFixtures.shutdown(http);
    }
    tls.close();
  }

  @Test
  void aChainTheHandshakeVerifiedUnderTheCurrentBundlesIsNotVerifiedAgainPerRequestOnlyAfterABundleChange()
      throws Exception {
    TestCa ca = TestCa.root("example.org");
    SpiffeId orders = SpiffeId.parse("spiffe://example.org/orders");
    ManualX509Source clientSrc = ManualX509Source.of(TlsFixtures.svid(ca.svid("spiffe://example.org/frontend")),
        TlsFixtures.bundles("example.org", ca));
    ManualX509Source serverSrc = ManualX509Source.of(TlsFixtures.svid(ca.svid(orders.toString())),
        TlsFixtures.bundles("example.org", ca));
    MeshTls tls = MeshTls.builder(clientSrc).build();
    AtomicReference<TrustBundleSet> interceptorView = new AtomicReference<>(clientSrc.bundles());
    java.util.concurrent.atomic.AtomicInteger verifications = new java.util.concurrent.atomic.AtomicInteger();
    SpiffeHostnameVerifier verifier = (SpiffeHostnameVerifier) tls.verifierFor("orders", Set.of(orders));
    // this trust manager reads its bundles once per verification: the count is the re-verifications
    PeerIdentityInterceptor interceptor = new PeerIdentityInterceptor(s -> java.util.Optional.of(verifier),
        new SpiffeTrustManager(() -> {
          verifications.incrementAndGet();
          return interceptorView.get();
        }, MeshClock.SYSTEM),
        interceptorView::get);
    try (Server server = Server.mesh(MeshTlsServer.create(MeshTls.builder(serverSrc).build(),
        CallerPolicy.allowUnder(TrustDomain.parse("example.org").id())))) {
      OkHttpClient http = new OkHttpClient.Builder()
          .sslSocketFactory(tls.socketFactory(), tls.trustManager())
          .hostnameVerifier(verifier)
          .addNetworkInterceptor(interceptor)
          .build();
      Endpoint ep = Endpoint.of("127.0.0.1", server.port());
      Request req = new Request.Builder().url(server.url()).tag(MeshAttempt.class, new MeshAttempt("orders", ep, 1)).build();
      for (int i = 0; i < 3; i++) {
        try (Response r = http.newCall(req).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
      }
      assertThat(verifications).as("the handshake verified the chain under these bundles").hasValue(0);
      // the same root in a new set: verified once more, then not again
      interceptorView.set(TlsFixtures.bundles("example.org", ca));
      for (int i = 0; i < 2; i++) {
        try (Response r = http.newCall(req).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
      }
      assertThat(verifications).hasValue(1);
      TlsFixtures.shutdown(http);
    }
    tls.close();
  }
}
