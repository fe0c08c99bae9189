package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.support.ManualClock;
import io.mesh4j.tls.support.MeshPipeline;
import io.mesh4j.tls.support.TestContext;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsModuleTest {

  final TlsModule module = new TlsModule();
  @TempDir Path dir;

  MeshConfig config(Map<String, String> globals, Map<String, Map<String, String>> services) {
    Map<String, String> g = new HashMap<>(globals);
    g.putIfAbsent("mesh.service", "frontend");
    g.putIfAbsent("mesh.trust-domain", "example.org");
    return TestMeshConfigs.of(module.globalKeys(), module.serviceKeys(), g, services);
  }

  List<ConfigProblem> problems(MeshConfig c) {
    List<ConfigProblem> p = new ArrayList<>();
    new TlsModule.TlsConfigRules(c, p, null).check();
    return p;
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(MeshModule.class).stream().map(ServiceLoader.Provider::type))
        .contains(TlsModule.class);
    assertThat(module.name()).isEqualTo("tls");
    assertThat(module.artifactId()).isEqualTo("mesh-tls");
  }

  @Test
  void declaresKeysWithDefaults() {
    MeshConfig c = config(Map.of(), Map.of());
    assertThat(c.get(TlsModule.MODE)).isEqualTo(TlsMode.STRICT);
    assertThat(c.get(TlsModule.SOURCE)).isEqualTo("dev-ca");
    assertThat(c.isSet(TlsModule.DEV_CA_DIR)).isFalse(); // the per-user default, DevCaLocation
    assertThat(c.get(TlsModule.SVID_TTL)).isEqualTo(Duration.ofHours(1));
    assertThat(c.get(TlsModule.MIN_VERSION)).isEqualTo(MinTlsVersion.TLS_1_3);
    assertThat(c.get(TlsModule.MAX_CONNECTION_AGE)).isEqualTo(Duration.ofMinutes(30));
    assertThat(module.globalKeys()).extracting(ConfigKey::name).allMatch(n -> n.startsWith("mesh.tls."));
    assertThat(c.get(TlsModule.HANDSHAKE_TIMEOUT)).isEqualTo(Duration.ofMillis(750));
    assertThat(module.serviceKeys()).extracting(ConfigKey::name).containsExactly("identity", "tls.mode");
    assertThat(problems(c)).isEmpty();
  }

  @Test
  void badValuesAreRejectedByTheKeyParsers() {
    // The loader appends "(expected: <parser.expected()>)": parser messages must not say it again.
    assertThatThrownBy(() -> TlsModule.MODE.parser().parse("lenient")).hasMessage("unknown TLS mode 'lenient'");
    assertThatThrownBy(() -> TlsModule.MODE.parser().parse("strick"))
        .hasMessage("unknown TLS mode 'strick', did you mean 'strict'?");
    assertThatThrownBy(() -> TlsModule.MODE.parser().parse("Disabled"))
        .hasMessage("unknown TLS mode 'Disabled', did you mean 'disabled'?");
    assertThatThrownBy(() -> TlsModule.MIN_VERSION.parser().parse("1.1")).hasMessage("unsupported TLS version '1.1'");
    assertThatThrownBy(() -> TlsModule.SOURCE.parser().parse("file"))
        .hasMessage("unknown source 'file', did you mean 'files'?");
    assertThatThrownBy(() -> TlsModule.SERVICE_MODE.parser().parse("disable"))
        .hasMessage("unknown TLS mode 'disable', did you mean 'disabled'?");
    assertThatThrownBy(() -> TlsModule.SERVICE_MODE.parser().parse("permissive"))
        .hasMessageStartingWith("'permissive' is a server-side mode (mesh.tls.mode)");
    assertThat(TlsModule.SERVICE_MODE.parser().parse("disabled")).isEqualTo(TlsMode.DISABLED);
    assertThat(TlsModule.SERVICE_MODE.parser().parse("strict")).isEqualTo(TlsMode.STRICT);
    assertThatThrownBy(() -> TlsModule.IDENTITY.parser().parse("spiffe://example.org/a, spiffe://example.org"))
        .hasMessageContaining("needs a path");
    assertThatThrownBy(() -> TlsModule.IDENTITY.parser().parse("spiffe://EXAMPLE.org/a"))
        .hasMessageContaining("lower-case");
  }

  @Test
  void hugeTlsDurationsFailAtStartupNamingEachKey() {
    assertThatThrownBy(() -> MeshClient.builder()
            .service("frontend")
            .environment(Map.of())
            .systemProperties(new Properties())
            .property("mesh.tls.dev-ca.dir", dir.resolve("ca").toString())
            .property("mesh.tls.svid-ttl", "999999999d")
            .property("mesh.tls.handshake-timeout", "999999999999d")
            .property("mesh.tls.max-connection-age", "400d")
            .build())
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.tls.svid-ttl=999999999d")
        .hasMessageContaining("mesh.tls.handshake-timeout=999999999999d")
        .hasMessageContaining("mesh.tls.max-connection-age=400d")
        .hasMessageContaining("at most 365d");
  }

  @Test
  void filesSourceNeedsAllThreePaths() {
    List<ConfigProblem> p = problems(config(Map.of("mesh.tls.source", "files", "mesh.tls.files.cert", "/x/svid.pem"), Map.of()));
    assertThat(p).extracting(ConfigProblem::key).containsExactlyInAnyOrder("mesh.tls.files.key", "mesh.tls.files.bundle");
    assertThat(p.get(0).message()).contains("required when mesh.tls.source=files");
  }

  @Test
  void keysOfAnotherSourceAreFlagged() {
    List<ConfigProblem> p = problems(config(Map.of("mesh.tls.files.cert", "/x/svid.pem", "mesh.tls.workload-api.socket", "unix:/x",
        "mesh.tls.files.poll-interval", "2s"), Map.of()));
    assertThat(p).extracting(ConfigProblem::toString)
        .contains("mesh.tls.files.poll-interval=2s: only used when mesh.tls.source=files (it is dev-ca)")
        .anyMatch(s -> s.contains("mesh.tls.files.cert") && s.contains("only used when mesh.tls.source=files (it is dev-ca)"))
        .anyMatch(s -> s.contains("mesh.tls.workload-api.socket"));
  }

  @Test
  void workloadApiNeedsASocket() {
    List<ConfigProblem> p = problems(config(Map.of("mesh.tls.source", "workload-api"), Map.of()));
    assertThat(p).extracting(ConfigProblem::key).containsExactly("mesh.tls.workload-api.socket");
  }

  @Test
  void maxConnectionAgeMustNotExceedTheSvidTtl() {
    List<ConfigProblem> p = problems(config(Map.of("mesh.tls.svid-ttl", "10m", "mesh.tls.max-connection-age", "1h"), Map.of()));
    assertThat(p).extracting(ConfigProblem::toString).containsExactly(
        "mesh.tls.max-connection-age=1h: must not exceed mesh.tls.svid-ttl (10m), "
            + "or connections would outlive the certificate they were opened with");
    assertThat(MeshTlsExtension.maxConnectionAge(config(Map.of("mesh.tls.svid-ttl", "10m"), Map.of())))
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void serviceStrictNeedsTlsOn() {
    List<ConfigProblem> p = problems(config(Map.of("mesh.tls.mode", "disabled"),
        Map.of("orders", Map.of("tls.mode", "strict"), "legacy", Map.of("tls.mode", "disabled"))));
    assertThat(p).extracting(ConfigProblem::toString).containsExactly(
        "mesh.services.orders.tls.mode=strict: needs mesh.tls.mode=strict or permissive "
            + "(it is disabled, so there is no TLS to call the service with)");
  }

  @Test
  void serviceTlsModeDisabledMakesOnlyThatServicePlaintext() {
    MeshConfig c = config(Map.of("mesh.tls.dev-ca.dir", dir.toString()),
        Map.of("legacy", Map.of("tls.mode", "disabled"), "orders", Map.of("tls.mode", "strict"),
            "payments", Map.of("identity", "spiffe://example.org/payments")));
    try (TestContext ctx = new TestContext(c); MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx)) {
      var ts = ext.transportSecurity().orElseThrow();
      assertThat(ts.securesService(ctx.snapshot("legacy"))).isFalse();
      assertThat(ts.securesService(ctx.snapshot("orders"))).isTrue();
      assertThat(ts.securesService(ctx.snapshot("payments"))).as("strict unless disabled").isTrue();
      assertThat(ext.securesService("orders")).isTrue();
      assertThat(ext.securesService("legacy")).isFalse();
      // SPI v2: a service the mesh does not route is not called through it, so nothing secures it
      assertThat(ext.securesService("unconfigured")).isFalse();
      assertThatThrownBy(() -> ts.secure(null, ctx.snapshot("legacy")))
          .hasMessageContaining("mesh.services.legacy.tls.mode=disabled");
    }
  }

  @Test
  void missingFilesAreAllNamedWithTheirKeysAtStart() {
    MeshConfig c = config(Map.of("mesh.tls.source", "files",
        "mesh.tls.files.cert", "/nonexistent/x.pem",
        "mesh.tls.files.key", "/nonexistent/x-key.pem",
        "mesh.tls.files.bundle", "/nonexistent/bundle.pem"), Map.of());
    try (TestContext ctx = new TestContext(c)) {
      assertThatThrownBy(() -> module.create(ctx))
          .hasMessage("mesh.tls.files.cert=/nonexistent/x.pem: file not found; "
              + "mesh.tls.files.key=/nonexistent/x-key.pem: file not found; "
              + "mesh.tls.files.bundle=/nonexistent/bundle.pem: file not found");
    }
  }

  @Test
  void disabledModeSecuresNothing() {
    try (TestContext ctx = new TestContext(config(Map.of("mesh.tls.mode", "disabled"),
            Map.of("orders", Map.of("identity", "spiffe://example.org/orders"))));
        MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx)) {
      assertThat(ext.transportSecurity().orElseThrow().securesService(ctx.snapshot("orders"))).isFalse();
      assertThat(ext.securesService("orders")).isFalse();
      assertThat(ext.networkInterceptors()).isEmpty();
      assertThat(ext.source()).isEmpty();
      assertThat(ctx.events().published(io.mesh4j.event.SvidStatusChanged.class)).as("no SVID, no event").isEmpty();
    }
  }

  @Test
  void identityDefaultsToTheServiceNameInTheTrustDomain() {
    MeshConfig c = config(
        Map.of("mesh.tls.dev-ca.dir", dir.toString()),
        Map.of("orders", Map.of("tls.mode", "strict"),
            "payments", Map.of("identity", "spiffe://example.org/payments/v1, spiffe://example.org/payments/v2")));
    try (TestContext ctx = new TestContext(c); MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx)) {
      assertThat(ext.allowedIdentities("orders")).containsExactly(SpiffeId.parse("spiffe://example.org/orders"));
      assertThat(ext.allowedIdentities("payments")).containsExactly(
          SpiffeId.parse("spiffe://example.org/payments/v1"), SpiffeId.parse("spiffe://example.org/payments/v2"));
      // SPI v2: the answer comes from the current route table; an unknown service allows nobody
      assertThat(ext.allowedIdentities("unconfigured")).isEmpty();
      assertThat(ext.source().orElseThrow().svid().spiffeId()).isEqualTo(SpiffeId.parse("spiffe://example.org/frontend"));
    }
  }

  @Test
  void meshRouteGetsMutualTlsAndWrongIdentityFailsBeforeTheRequestIsWritten() throws Exception {
    MeshConfig c = config(Map.of("mesh.tls.dev-ca.dir", dir.toString()),
        Map.of("orders", Map.of("tls.mode", "strict"), "billing", Map.of("tls.mode", "strict")));
    try (TestContext ctx = new TestContext(c); MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx)) {
      // Two servers with dev-ca SVIDs: "orders" and "payments".
      X509Source ordersSrc = X509Sources.devCa(dir, SpiffeId.parse("spiffe://example.org/orders"), Duration.ofHours(1), ctx.scheduler(), ctx.clock());
      X509Source paymentsSrc = X509Sources.devCa(dir, SpiffeId.parse("spiffe://example.org/payments"), Duration.ofHours(1), ctx.scheduler(), ctx.clock());
      CallerPolicy policy = CallerPolicy.allow(SpiffeId.parse("spiffe://example.org/frontend"));
      try (Server orders = Server.mesh(MeshTlsServer.create(MeshTls.builder(ordersSrc).build(), policy));
          Server payments = Server.mesh(MeshTlsServer.create(MeshTls.builder(paymentsSrc).build(), policy))) {
        Map<String, Endpoint> eps = Map.of(
            "orders", Endpoint.of("127.0.0.1", orders.port()),
            // misrouted: "billing" resolves to the payments server
            "billing", Endpoint.of("127.0.0.1", payments.port()));
        OkHttpClient http = MeshPipeline.wrap(new OkHttpClient(), ext, ctx, eps::get);
        try (Response r = http.newCall(new Request.Builder().url("http://orders/items/1").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("spiffe://example.org/frontend");
          assertThat(r.handshake().tlsVersion().javaName()).isEqualTo("TLSv1.3");
        }
        assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://billing/x").build()).execute())
            .isInstanceOf(PeerIdentityException.class)
            .hasMessage("peer identity rejected for service 'billing' at 127.0.0.1:" + payments.port()
                + ": expected spiffe://example.org/billing, got spiffe://example.org/payments");
        TlsFixtures.shutdown(http);
      } finally {
        ordersSrc.close();
        paymentsSrc.close();
      }
    }
  }

  @Test
  void pooledConnectionOlderThanMaxAgeServesOneLastRequestThenIsReplaced() throws Exception {
    ManualClock clock = new ManualClock();
    MeshConfig c = config(Map.of("mesh.tls.dev-ca.dir", dir.toString(), "mesh.tls.max-connection-age", "10m"),
        Map.of("orders", Map.of("tls.mode", "strict")));
    try (TestContext ctx = new TestContext(c, clock); MeshTlsExtension ext = (MeshTlsExtension) module.create(ctx);
        MockWebServer server = new MockWebServer()) {
      X509Source ordersSrc = X509Sources.devCa(dir, SpiffeId.parse("spiffe://example.org/orders"), Duration.ofHours(1), ctx.scheduler(), clock);
      MeshTlsServer mts = MeshTlsServer.create(MeshTls.builder(ordersSrc).build(), CallerPolicy.allow(ext.source().orElseThrow().svid().spiffeId()));
      server.useHttps(mts.sslContext().getSocketFactory());
      server.start(java.net.InetAddress.getLoopbackAddress(), 0);
      for (int i = 0; i < 4; i++) {
        server.enqueue(new MockResponse.Builder().body("ok").build());
      }
      OkHttpClient http = MeshPipeline.wrap(new OkHttpClient(), ext, ctx, s -> Endpoint.of("127.0.0.1", server.getPort()));
      call(http);
      call(http);
      clock.advance(Duration.ofMinutes(11));
      call(http); // over age: carries Connection: close
      call(http); // must be on a new connection
      RecordedRequest r1 = server.takeRequest();
      RecordedRequest r2 = server.takeRequest();
      RecordedRequest r3 = server.takeRequest();
      RecordedRequest r4 = server.takeRequest();
      assertThat(r2.getConnectionIndex()).isEqualTo(r1.getConnectionIndex());
      assertThat(r3.getConnectionIndex()).isEqualTo(r1.getConnectionIndex());
      assertThat(r4.getConnectionIndex()).isNotEqualTo(r1.getConnectionIndex());
      TlsFixtures.shutdown(http);
      ordersSrc.close();
    }
  }

  private static void call(OkHttpClient http) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      r.body().string();
    }
  }

  @Test
  void removedRootFailsPooledConnectionsOnTheirNextRequest() throws Exception {
    TestCa ca = TestCa.root("example.org");
    TestCa newCa = TestCa.root("example.org");
    ManualX509Source clientSrc = ManualX509Source.of(TlsFixtures.svid(ca.svid("spiffe://example.org/frontend")),
        TlsFixtures.bundles("example.org", ca, newCa));
    ManualX509Source serverSrc = ManualX509Source.of(TlsFixtures.svid(ca.svid("spiffe://example.org/orders")),
        TlsFixtures.bundles("example.org", ca, newCa));
    MeshTls tls = MeshTls.builder(clientSrc).build();
    var interceptor = new io.mesh4j.tls.internal.PeerIdentityInterceptor(
        s -> java.util.Optional.of((io.mesh4j.tls.internal.SpiffeHostnameVerifier) tls.verifierFor(s, java.util.Set.of(SpiffeId.parse("spiffe://example.org/orders")))),
        trustManagerOf(tls), clientSrc::bundles);
    try (TestContext ctx = new TestContext(config(Map.of(), Map.of("orders", Map.of("tls.mode", "strict"))));
        Server server = Server.mesh(MeshTlsServer.create(MeshTls.builder(serverSrc).build(), CallerPolicy.allowUnder(TrustDomain.parse("example.org").id())))) {
      var ext = new io.mesh4j.spi.MeshExtension() {
        @Override
        public java.util.Optional<io.mesh4j.spi.TransportSecurity> transportSecurity() {
          return java.util.Optional.of(new io.mesh4j.spi.TransportSecurity() {
            final javax.net.ssl.HostnameVerifier v = tls.verifierFor("orders", java.util.Set.of(SpiffeId.parse("spiffe://example.org/orders")));
            public boolean securesService(io.mesh4j.spi.ServiceSnapshot s) { return true; }
            public okhttp3.Interceptor.Chain secure(okhttp3.Interceptor.Chain ch, io.mesh4j.spi.ServiceSnapshot s) {
              return ch.withSslSocketFactory(tls.socketFactory(), tls.trustManager()).withHostnameVerifier(v);
            }
          });
        }
        @Override
        public List<okhttp3.Interceptor> networkInterceptors() { return List.of(interceptor); }
      };
      OkHttpClient http = MeshPipeline.wrap(new OkHttpClient(), ext, ctx, s -> Endpoint.of("127.0.0.1", server.port()));
      call(http);
      // The old root leaves the client's bundle: the pooled connection must not be used again.
      // (OkHttp itself keys the pool on the trust manager's accepted issuers, so the next request
      // gets a new connection whose handshake fails; were the pooled one picked, the interceptor's
      // re-verification would fail it.)
      clientSrc.update(clientSrc.svid(), TlsFixtures.bundles("example.org", newCa));
      assertThatThrownBy(() -> call(http))
          .isInstanceOf(javax.net.ssl.SSLException.class)
          .hasMessageContaining("peer spiffe://example.org/orders")
          .hasMessageContaining("does not verify against the trust bundle of example.org");
      TlsFixtures.shutdown(http);
    }
    tls.close();
  }

  private static io.mesh4j.tls.internal.SpiffeTrustManager trustManagerOf(MeshTls tls) {
    return (io.mesh4j.tls.internal.SpiffeTrustManager) tls.trustManager();
  }
}
