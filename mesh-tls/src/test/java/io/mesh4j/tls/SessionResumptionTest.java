package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.support.ManualClock;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS session resumption is bound to the material a session was made with: a resumed session
 * carries the certificates of its first handshake, so a rotated SVID, a new bundle or a
 * certificate that has since expired must mean a full handshake. Each test reads what the other
 * side saw (the server's record of the caller's certificate, the client's of the server's), and
 * moves the mesh clock rather than waiting for certificates to expire.
 */
class SessionResumptionTest {

  static final String TD = "example.org";
  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://example.org/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://example.org/orders");

  final TestCa ca = TestCa.root(TD);
  OkHttpClient client;

  @AfterEach
  void shutDown() {
    if (client != null) {
      TlsFixtures.shutdown(client);
    }
  }

  /** GET on a new connection (the pool is emptied first): a handshake, full or resumed. */
  private Response getOnANewConnection(String url) throws IOException {
    client.connectionPool().evictAll();
    Response r = client.newCall(new Request.Builder().url(url).build()).execute();
    r.body().string();
    r.close();
    return r;
  }

  private String get(String url) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  private static BigInteger serverSerial(Response r) {
    return ((X509Certificate) r.handshake().peerCertificates().get(0)).getSerialNumber();
  }

  private static X509Svid svidValidFor(TestCa ca, SpiffeId id, Duration ttl) {
    return TlsFixtures.svid(ca.leaf().uris(id.toString()).validFor(ttl).issue());
  }

  private static X509Svid svidValidForADay(TestCa ca, SpiffeId id) {
    Instant now = Instant.now();
    return TlsFixtures.svid(ca.leaf().uris(id.toString()).validity(now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1))).issue());
  }

  @Test
  void aRotatedClientSvidIsWhatTheServerSeesOnTheFirstNewConnection() throws Exception {
    ManualX509Source clientSource = ManualX509Source.of(TlsFixtures.svid(ca.svid(FRONTEND.toString())), TlsFixtures.bundles(TD, ca));
    MeshTls clientTls = MeshTls.builder(clientSource).build();
    MeshTls serverTls = MeshTls.builder(ManualX509Source.of(TlsFixtures.svid(ca.svid(ORDERS.toString())), TlsFixtures.bundles(TD, ca))).build();
    try (Server server = Server.mesh(MeshTlsServer.create(serverTls, CallerPolicy.allow(FRONTEND)))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      BigInteger first = clientSource.svid().serialNumber();
      getOnANewConnection(server.url());
      getOnANewConnection(server.url()); // a resumption of the first session, with the same certificate
      X509Svid next = TlsFixtures.svid(ca.svid(FRONTEND.toString()));
      clientSource.update(next, clientSource.bundles());
      getOnANewConnection(server.url());
      assertThat(server.callerSerials()).containsExactly(first, first, next.serialNumber());
    } finally {
      clientTls.close();
      serverTls.close();
    }
  }

  @Test
  void aRotatedServerSvidIsWhatTheClientSeesOnTheFirstNewConnection() throws Exception {
    ManualX509Source serverSource = ManualX509Source.of(TlsFixtures.svid(ca.svid(ORDERS.toString())), TlsFixtures.bundles(TD, ca));
    MeshTls clientTls = MeshTls.builder(ManualX509Source.of(TlsFixtures.svid(ca.svid(FRONTEND.toString())), TlsFixtures.bundles(TD, ca))).build();
    MeshTls serverTls = MeshTls.builder(serverSource).build();
    try (Server server = Server.mesh(MeshTlsServer.create(serverTls, CallerPolicy.allow(FRONTEND)))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      BigInteger first = serverSource.svid().serialNumber();
      assertThat(serverSerial(getOnANewConnection(server.url()))).isEqualTo(first);
      assertThat(serverSerial(getOnANewConnection(server.url()))).isEqualTo(first);
      X509Svid next = TlsFixtures.svid(ca.svid(ORDERS.toString()));
      serverSource.update(next, serverSource.bundles());
      assertThat(serverSerial(getOnANewConnection(server.url()))).isEqualTo(next.serialNumber());
    } finally {
      clientTls.close();
      serverTls.close();
    }
  }

  @Test
  void aPooledConnectionTakesNoNewRequestOnceTheClientSvidRotated() throws Exception {
    ManualX509Source clientSource = ManualX509Source.of(TlsFixtures.svid(ca.svid(FRONTEND.toString())), TlsFixtures.bundles(TD, ca));
    MeshTls clientTls = MeshTls.builder(clientSource).build();
    MeshTls serverTls = MeshTls.builder(ManualX509Source.of(TlsFixtures.svid(ca.svid(ORDERS.toString())), TlsFixtures.bundles(TD, ca))).build();
    try (Server server = Server.mesh(MeshTlsServer.create(serverTls, CallerPolicy.allow(FRONTEND)))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      BigInteger first = clientSource.svid().serialNumber();
      get(server.url());
      get(server.url()); // kept alive
      X509Svid next = TlsFixtures.svid(ca.svid(FRONTEND.toString()));
      clientSource.update(next, clientSource.bundles());
      get(server.url());
      assertThat(server.callerSerials()).containsExactly(first, first, next.serialNumber());
      assertThat(server.connectionsAccepted()).isEqualTo(2);
    } finally {
      clientTls.close();
      serverTls.close();
    }
  }

  @Test
  void aPooledConnectionTakesNoNewRequestOnceTheServersCertificateExpired() throws Exception {
    ManualClock clock = new ManualClock();
    MeshTls clientTls = MeshTls.builder(ManualX509Source.of(svidValidForADay(ca, FRONTEND), TlsFixtures.bundles(TD, ca), clock))
        .clock(clock).build();
    MeshTls serverTls = MeshTls.builder(ManualX509Source.of(svidValidFor(ca, ORDERS, Duration.ofMinutes(10)), TlsFixtures.bundles(TD, ca)))
        .build();
    try (Server server = Server.mesh(MeshTlsServer.create(serverTls, CallerPolicy.allow(FRONTEND)))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThat(get(server.url())).isEqualTo("200 " + FRONTEND);
      clock.advance(Duration.ofMinutes(11));
      // Not sent on the kept-alive connection: a new one is opened, and its handshake finds the server expired.
      assertThatThrownBy(() -> get(server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer " + ORDERS + " rejected: certificate expired at");
      assertThat(server.callers()).hasSize(1);
      assertThat(server.connectionsAccepted()).isEqualTo(2);
    } finally {
      clientTls.close();
      serverTls.close();
    }
  }

  @Test
  void theClientDoesNotResumeASessionWithAServerWhoseCertificateHasSinceExpired() throws Exception {
    ManualClock clock = new ManualClock();
    MeshTls clientTls = MeshTls.builder(ManualX509Source.of(svidValidForADay(ca, FRONTEND), TlsFixtures.bundles(TD, ca), clock))
        .clock(clock).build();
    MeshTls serverTls = MeshTls.builder(ManualX509Source.of(svidValidFor(ca, ORDERS, Duration.ofMinutes(10)), TlsFixtures.bundles(TD, ca)))
        .build();
    try (Server server = Server.mesh(MeshTlsServer.create(serverTls, CallerPolicy.allow(FRONTEND)))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      getOnANewConnection(server.url());
      getOnANewConnection(server.url());
      clock.advance(Duration.ofMinutes(11)); // the server's certificate has expired for the client
      assertThatThrownBy(() -> getOnANewConnection(server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer " + ORDERS + " rejected: certificate expired at");
      assertThat(server.callers()).as("requests the server answered").hasSize(2);
    } finally {
      clientTls.close();
      serverTls.close();
    }
  }

  @Test
  void theServerDoesNotResumeASessionOfACallerWhoseCertificateHasSinceExpired() throws Exception {
    ManualClock serverClock = new ManualClock();
    MeshTls clientTls = MeshTls.builder(ManualX509Source.of(svidValidFor(ca, FRONTEND, Duration.ofMinutes(10)), TlsFixtures.bundles(TD, ca)))
        .build();
    MeshTls serverTls = MeshTls.builder(ManualX509Source.of(svidValidForADay(ca, ORDERS), TlsFixtures.bundles(TD, ca), serverClock))
        .clock(serverClock).build();
    // The handler does not call authorize: the TLS layer itself must refuse the resumption.
    try (Server server = new Server(null, MeshTlsServer.create(serverTls, CallerPolicy.allow(FRONTEND)), false)) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      getOnANewConnection(server.url());
      getOnANewConnection(server.url());
      serverClock.advance(Duration.ofMinutes(11)); // the caller's certificate has expired for the server
      assertThatThrownBy(() -> getOnANewConnection(server.url())).isInstanceOf(IOException.class);
      assertThat(server.callers()).as("requests the server answered").hasSize(2);
    } finally {
      clientTls.close();
      serverTls.close();
    }
  }

  @Test
  void aCallerWhoseCertificateExpiredIsRefusedAtTheRequestOnAKeptAliveConnection() throws Exception {
    ManualClock serverClock = new ManualClock();
    MeshTls clientTls = MeshTls.builder(ManualX509Source.of(svidValidFor(ca, FRONTEND, Duration.ofMinutes(10)), TlsFixtures.bundles(TD, ca)))
        .build();
    MeshTls serverTls = MeshTls.builder(ManualX509Source.of(svidValidForADay(ca, ORDERS), TlsFixtures.bundles(TD, ca), serverClock))
        .clock(serverClock).build();
    try (Server server = Server.mesh(MeshTlsServer.create(serverTls, CallerPolicy.allow(FRONTEND)))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThat(get(server.url())).isEqualTo("200 " + FRONTEND);
      serverClock.advance(Duration.ofMinutes(11));
      assertThat(get(server.url()))
          .startsWith("403 caller at ")
          .contains("no longer verifies: peer " + FRONTEND + " rejected: certificate expired at");
      assertThat(client.connectionPool().connectionCount()).as("the same kept-alive connection").isEqualTo(1);
      assertThat(server.callers()).hasSize(1);
    } finally {
      clientTls.close();
      serverTls.close();
    }
  }
}
