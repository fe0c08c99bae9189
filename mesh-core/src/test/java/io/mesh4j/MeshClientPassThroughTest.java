package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hosts that are not mesh services go out exactly as the wrapped client would send them. */
class MeshClientPassThroughTest {

  private MockWebServer tlsServer;
  private OkHttpClient userClient;
  private final AtomicInteger userInterceptorCalls = new AtomicInteger();

  @BeforeEach
  void startTlsServer() throws Exception {
    HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).build();
    HeldCertificate serverCert =
        new HeldCertificate.Builder().addSubjectAlternativeName("localhost").signedBy(root).build();
    HandshakeCertificates serverTls =
        new HandshakeCertificates.Builder().heldCertificate(serverCert).build();
    tlsServer = new MockWebServer();
    tlsServer.useHttps(serverTls.sslSocketFactory());
    tlsServer.start(InetAddress.getByName("127.0.0.1"), 0);
    HandshakeCertificates clientTls =
        new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
    userClient =
        new OkHttpClient.Builder()
            .sslSocketFactory(clientTls.sslSocketFactory(), clientTls.trustManager())
            .addInterceptor(
                chain -> {
                  userInterceptorCalls.incrementAndGet();
                  return chain.proceed(chain.request().newBuilder().header("X-User", "1").build());
                })
            .build();
  }

  @AfterEach
  void stop() {
    tlsServer.close();
  }

  @Test
  void otherHostKeepsItsTlsHeadersAndInterceptors() throws Exception {
    tlsServer.enqueue(new MockResponse.Builder().code(200).body("hello").build());
    try (Backends backends = Backends.naming(1);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      OkHttpClient http = mesh.wrap(userClient);
      String url = "https://localhost:" + tlsServer.getPort() + "/plain?q=1";
      try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("hello");
        assertThat(r.handshake()).isNotNull();
        assertThat(r.request().url().toString()).isEqualTo(url);
      }
      RecordedRequest seen = tlsServer.takeRequest(5, TimeUnit.SECONDS);
      // Host (or HTTP/2 :authority) is what the URL says, not rewritten by the mesh.
      assertThat(seen.getUrl().host()).isEqualTo("localhost");
      assertThat(seen.getUrl().port()).isEqualTo(tlsServer.getPort());
      assertThat(seen.getHeaders().get("X-User")).isEqualTo("1");
      assertThat(seen.getTarget()).isEqualTo("/plain?q=1");
      assertThat(userInterceptorCalls).hasValue(1);
      assertThat(backends.servers.get(0).getRequestCount()).isZero();
    }
  }

  @Test
  void otherHostKeepsHostnameVerification() throws Exception {
    try (MeshClient mesh = TestMesh.builder().build()) {
      OkHttpClient http = mesh.wrap(userClient);
      // The certificate names localhost only: 127.0.0.1 must still be refused, as unwrapped.
      String url = "https://127.0.0.1:" + tlsServer.getPort() + "/";
      assertThatThrownBy(() -> userClient.newCall(new Request.Builder().url(url).build()).execute())
          .isInstanceOf(SSLPeerUnverifiedException.class);
      assertThatThrownBy(() -> http.newCall(new Request.Builder().url(url).build()).execute())
          .isInstanceOf(SSLPeerUnverifiedException.class);
    }
  }

  @Test
  void otherHostRedirectsAreStillFollowed() throws Exception {
    tlsServer.enqueue(
        new MockResponse.Builder().code(302).setHeader("Location", "/target").build());
    tlsServer.enqueue(new MockResponse.Builder().code(200).body("landed").build());
    try (MeshClient mesh = TestMesh.builder().build()) {
      String url = "https://localhost:" + tlsServer.getPort() + "/start";
      try (Response r = mesh.wrap(userClient).newCall(new Request.Builder().url(url).build()).execute()) {
        assertThat(r.body().string()).isEqualTo("landed");
      }
    }
  }
}
