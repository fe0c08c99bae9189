package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** mTLS over real sockets: JDK HttpsServer with {@link MeshTlsServer}, OkHttp with {@link MeshTls}. */
class MutualTlsTest {

  static final String TD = "example.org";
  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://example.org/frontend");
  static final SpiffeId ORDERS = SpiffeId.parse("spiffe://example.org/orders");

  final TestCa ca = TestCa.root(TD);
  final ManualX509Source clientSource =
      ManualX509Source.of(TlsFixtures.svid(ca.svid(FRONTEND.toString())), TlsFixtures.bundles(TD, ca));
  final MeshTls clientTls = MeshTls.builder(clientSource).build();
  OkHttpClient client;

  @AfterEach
  void shutDown() {
    if (client != null) {
      TlsFixtures.shutdown(client);
    }
    clientTls.close();
  }

  private static String get(OkHttpClient c, String url) throws IOException {
    try (Response r = c.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  private Server meshServer(X509Svid svid, CallerPolicy policy) throws IOException {
    MeshTls serverTls = MeshTls.builder(ManualX509Source.of(svid, TlsFixtures.bundles(TD, ca))).build();
    return Server.mesh(MeshTlsServer.create(serverTls, policy));
  }

  private Server rawServer(TestCa.Issued issued) throws Exception {
    return Server.raw(TlsFixtures.rawContext(issued.chain(), issued.privateKey()));
  }

  @Test
  void mutualTlsSucceedsAndBothSidesSeeEachOthersSpiffeId() throws Exception {
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(ORDERS.toString())), CallerPolicy.allow(FRONTEND))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThat(get(client, server.url())).isEqualTo("200 " + FRONTEND);
    }
  }

  @Test
  void callerOnAKeptAliveConnectionIsRefusedOnceItsRootLeavesTheServersBundle() throws Exception {
    X509Svid serverSvid = TlsFixtures.svid(ca.svid(ORDERS.toString()));
    ManualX509Source serverSource = ManualX509Source.of(serverSvid, TlsFixtures.bundles(TD, ca));
    MeshTls serverTls = MeshTls.builder(serverSource).build();
    try (Server server = Server.mesh(MeshTlsServer.create(serverTls, CallerPolicy.allow(FRONTEND)))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThat(get(client, server.url())).isEqualTo("200 " + FRONTEND);
      assertThat(get(client, server.url())).isEqualTo("200 " + FRONTEND); // verified once, reused
      serverSource.update(serverSvid, TlsFixtures.bundles(TD, TestCa.root(TD)));
      // Same pooled connection, same TLS session: authorize notices the new bundle set.
      assertThat(get(client, server.url()))
          .startsWith("403 ")
          .contains("no longer verifies");
      assertThat(client.connectionPool().connectionCount()).isEqualTo(1);
    } finally {
      serverTls.close();
    }
  }

  @Test
  void tlsVersionIsOnePointThreeByDefault() throws Exception {
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(ORDERS.toString())), CallerPolicy.allow(FRONTEND))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      try (Response r = client.newCall(new Request.Builder().url(server.url()).build()).execute()) {
        assertThat(r.handshake().tlsVersion().javaName()).isEqualTo("TLSv1.3");
      }
    }
  }

  @Test
  void handshakeTimeoutsBeyondWhatASocketTimeoutHoldsStillConnect() throws Exception {
    // A socket timeout is an int of milliseconds: 30 days does not fit, 999999999999 days not even in a long.
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(ORDERS.toString())), CallerPolicy.allow(FRONTEND))) {
      for (Duration timeout : List.of(Duration.ofDays(30), Duration.ofDays(999_999_999_999L))) {
        MeshTls longWait = MeshTls.builder(clientSource).handshakeTimeout(timeout).build();
        OkHttpClient c = TlsFixtures.meshClient(longWait, "orders", ORDERS).newBuilder().readTimeout(Duration.ZERO).build();
        try {
          assertThat(get(c, server.url())).as("%s", timeout).isEqualTo("200 " + FRONTEND);
        } finally {
          TlsFixtures.shutdown(c);
          longWait.close();
        }
      }
    }
  }

  @Test
  void intermediateCaChainsVerify() throws Exception {
    TestCa inter = ca.intermediate();
    try (Server server = meshServer(TlsFixtures.svid(inter.svid(ORDERS.toString())), CallerPolicy.allow(FRONTEND))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThat(get(client, server.url())).isEqualTo("200 " + FRONTEND);
    }
  }

  @Test
  void expiredServerCertificateIsRejectedNamingPeerAndExpiry() throws Exception {
    try (Server server = rawServer(ca.leaf().uris(ORDERS.toString()).expired().issue())) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer " + ORDERS + " rejected: certificate expired at");
    }
  }

  @Test
  void notYetValidServerCertificateIsRejected() throws Exception {
    try (Server server = rawServer(ca.leaf().uris(ORDERS.toString()).notYetValid().issue())) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer " + ORDERS + " rejected: certificate not valid until");
    }
  }

  @Test
  void serverOfAnotherTrustDomainIsRejected() throws Exception {
    TestCa other = TestCa.root("evil.example");
    try (Server server = rawServer(other.svid("spiffe://evil.example/orders"))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer spiffe://evil.example/orders rejected: no trust bundle for trust domain evil.example");
    }
  }

  @Test
  void serverClaimingOurTrustDomainButSignedByAnotherCaIsRejected() throws Exception {
    TestCa rogue = TestCa.root(TD);
    try (Server server = rawServer(rogue.svid(ORDERS.toString()))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer " + ORDERS + " rejected: chain does not verify against the trust bundle of example.org");
    }
  }

  @Test
  void wrongSpiffeIdIsRejectedNamingServiceEndpointExpectedAndActual() throws Exception {
    SpiffeId payments = SpiffeId.parse("spiffe://example.org/payments");
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(payments.toString())), CallerPolicy.allow(FRONTEND))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(PeerIdentityException.class)
          .hasMessage("peer identity rejected for service 'orders' at 127.0.0.1:" + server.port()
              + ": expected " + ORDERS + ", got " + payments);
    }
  }

  @Test
  void prefixOnlyMatchIsNotAMatch() throws Exception {
    SpiffeId ordersAdmin = SpiffeId.parse("spiffe://example.org/orders-admin");
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(ordersAdmin.toString())), CallerPolicy.allow(FRONTEND))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(PeerIdentityException.class)
          .hasMessageContaining("expected " + ORDERS + ", got " + ordersAdmin);
    }
  }

  @Test
  void serverWithTwoUriSansIsRejected() throws Exception {
    try (Server server = rawServer(ca.leaf().uris(ORDERS.toString(), "spiffe://example.org/admin").issue())) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("has 2 URI SANs");
    }
  }

  @Test
  void caCertificateAsServerLeafIsRejected() throws Exception {
    try (Server server = rawServer(ca.leaf().uris(ORDERS.toString()).ca().issue())) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer " + ORDERS + " rejected: leaf certificate is a CA certificate");
    }
  }

  @Test
  void dnsSanOrCommonNameNeverCountsAsIdentity() throws Exception {
    try (Server server = rawServer(ca.leaf().dnsNames("orders").commonName(ORDERS.toString()).issue())) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("has no URI SAN");
    }
  }

  @Test
  void serverEkuWithoutServerAuthIsRejected() throws Exception {
    try (Server server = rawServer(ca.leaf().uris(ORDERS.toString()).extendedKeyUsage(false, true).issue())) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("does not allow serverAuth");
    }
  }

  @Test
  void serverLeafWithoutKeyUsageIsRejectedAndNoRequestReachesIt() throws Exception {
    // X509-SVID: a leaf must carry keyUsage with digitalSignature; X509Svid.of has always said so.
    try (Server server = rawServer(ca.leaf().uris(ORDERS.toString()).keyUsage(0).issue())) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThatThrownBy(() -> get(client, server.url()))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("peer " + ORDERS + " rejected: leaf certificate has no key usage (digitalSignature is required)");
      assertThat(server.callers()).as("requests the server answered").isEmpty();
    }
  }

  // --- the server side rejects bad clients ---

  private OkHttpClient rawClient(SSLContext ctx) throws Exception {
    return new OkHttpClient.Builder()
        .sslSocketFactory(ctx.getSocketFactory(), (javax.net.ssl.X509TrustManager) trustAll())
        .hostnameVerifier((h, s) -> true)
        .retryOnConnectionFailure(false)
        .build();
  }

  private static javax.net.ssl.TrustManager trustAll() throws Exception {
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    tmf.init(ks);
    return tmf.getTrustManagers()[0];
  }

  @Test
  void missingClientCertificateIsRejectedInStrictMode() throws Exception {
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(ORDERS.toString())), CallerPolicy.allow(FRONTEND))) {
      SSLContext noCert = TlsFixtures.rawContext(null, null, ca.certificate());
      client = new OkHttpClient.Builder()
          .sslSocketFactory(noCert.getSocketFactory(), (javax.net.ssl.X509TrustManager) clientTls.trustManager())
          .hostnameVerifier((h, s) -> true)
          .retryOnConnectionFailure(false)
          .build();
      assertThatThrownBy(() -> get(client, server.url())).isInstanceOf(IOException.class);
    }
  }

  @Test
  void expiredClientCertificateIsRejectedByTheServer() throws Exception {
    TestCa.Issued bad = ca.leaf().uris(FRONTEND.toString()).expired().issue();
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(ORDERS.toString())), CallerPolicy.allow(FRONTEND))) {
      client = rawClient(TlsFixtures.rawContext(bad.chain(), bad.privateKey(), ca.certificate()));
      assertThatThrownBy(() -> get(client, server.url())).isInstanceOf(IOException.class);
    }
  }

  @Test
  void clientLeafWithoutKeyUsageIsRefusedInTheHandshakeAndNeverReachesTheHandler() throws Exception {
    TestCa.Issued noKeyUsage = ca.leaf().uris(FRONTEND.toString()).keyUsage(0).issue();
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(ORDERS.toString())), CallerPolicy.allow(FRONTEND))) {
      client = rawClient(TlsFixtures.rawContext(noKeyUsage.chain(), noKeyUsage.privateKey(), ca.certificate()));
      assertThatThrownBy(() -> get(client, server.url())).isInstanceOf(IOException.class);
      assertThat(server.callers()).as("callers the server answered").isEmpty();
    }
  }

  @Test
  void callerNotInThePolicyGetsForbiddenNamingCallerAddressAndPolicy() throws Exception {
    try (Server server = meshServer(TlsFixtures.svid(ca.svid(ORDERS.toString())),
        CallerPolicy.allow(SpiffeId.parse("spiffe://example.org/billing")))) {
      client = TlsFixtures.meshClient(clientTls, "orders", ORDERS);
      assertThat(get(client, server.url()))
          .matches("403 caller " + FRONTEND + " at [^ ]+:\\d+ is not allowed by CallerPolicy allow\\(spiffe://example.org/billing\\)");
    }
  }

  @Test
  void callerRejectionIsAPeerIdentityExceptionWithoutAServiceName() {
    CallerPolicy policy = CallerPolicy.allow(SpiffeId.parse("spiffe://example.org/frontend"))
        .or(CallerPolicy.allowUnder(SpiffeId.parse("spiffe://example.org/team")));
    SpiffeId payments = SpiffeId.parse("spiffe://example.org/payments");
    PeerIdentityException e = PeerIdentityException.forCaller(payments, "127.0.0.1:33820", policy, null);
    assertThat(e).hasMessage("caller spiffe://example.org/payments at 127.0.0.1:33820 is not allowed by "
        + "CallerPolicy allow(spiffe://example.org/frontend) or allowUnder(spiffe://example.org/team)");
    assertThat(e.service()).isNull();
    assertThat(e.endpoint()).isEqualTo("127.0.0.1:33820");
    assertThat(e.actual()).isEqualTo(payments);
    assertThat(e.expected()).containsExactlyInAnyOrder(
        SpiffeId.parse("spiffe://example.org/frontend"), SpiffeId.parse("spiffe://example.org/team"));
    assertThat(PeerIdentityException.forCaller(null, "127.0.0.1:1", policy, "no peer certificate"))
        .hasMessageStartingWith("caller at 127.0.0.1:1 presented no SPIFFE ID (no peer certificate) and is not allowed by ");
  }

  @Test
  void serverTrustManagerNamesTheReasonForEachBadClientLeaf() {
    var tm = new io.mesh4j.tls.internal.SpiffeTrustManager(() -> TlsFixtures.bundles(TD, ca), io.mesh4j.time.MeshClock.SYSTEM);
    assertThatThrownBy(() -> tm.checkClientTrusted(arr(ca.leaf().uris(FRONTEND.toString()).expired().issue()), "EC"))
        .hasMessageContaining("peer " + FRONTEND + " rejected: certificate expired");
    assertThatThrownBy(() -> tm.checkClientTrusted(arr(ca.leaf().uris(FRONTEND.toString()).ca().issue()), "EC"))
        .hasMessageContaining("is a CA certificate");
    assertThatThrownBy(() -> tm.checkClientTrusted(arr(ca.leaf().uris(FRONTEND.toString(), ORDERS.toString()).issue()), "EC"))
        .hasMessageContaining("2 URI SANs");
    assertThatThrownBy(() -> tm.checkClientTrusted(arr(ca.leaf().uris("spiffe://example.org").issue()), "EC"))
        .hasMessageContaining("bare trust domain");
    assertThatThrownBy(() -> tm.checkClientTrusted(arr(ca.leaf().uris(FRONTEND.toString()).extendedKeyUsage(true, false).issue()), "EC"))
        .hasMessageContaining("does not allow clientAuth");
    assertThatThrownBy(() -> tm.checkClientTrusted(new java.security.cert.X509Certificate[0], "EC"))
        .hasMessageContaining("presented no certificate");
  }

  private static java.security.cert.X509Certificate[] arr(TestCa.Issued i) {
    return i.chain().toArray(new java.security.cert.X509Certificate[0]);
  }

  @Test
  void tls12IsOptInAndOnlyWithAeadEcdheSuites() {
    MeshTls tls12 = MeshTls.builder(clientSource).minVersion(MinTlsVersion.TLS_1_2).build();
    try {
      var params = tls12.clientContext().getDefaultSSLParameters();
      assertThat(params.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
      assertThat(List.of(params.getCipherSuites()))
          .allMatch(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20")
              || (s.startsWith("TLS_ECDHE_") && (s.contains("_GCM_") || s.contains("CHACHA20"))));
      assertThat(clientTls.clientContext().getDefaultSSLParameters().getProtocols()).containsExactly("TLSv1.3");
    } finally {
      tls12.close();
    }
  }
}
