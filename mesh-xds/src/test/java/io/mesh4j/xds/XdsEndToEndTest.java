package io.mesh4j.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A MeshClient configured only with {@code discovery=xds} and a listener, against java-control-plane's
 * real ADS server and real HTTP backends; everything is counted at the backends.
 */
class XdsEndToEndTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  private final ControlPlane controlPlane = new ControlPlane();
  private final IstioMesh istio = new IstioMesh();
  private final List<CountingBackend> backends = new ArrayList<>();
  private final LeakCheck leaks = LeakCheck.snapshot();
  private MeshClient mesh;
  private OkHttpClient http;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    backends.forEach(CountingBackend::close);
    controlPlane.close();
  }

  CountingBackend backend(String name) {
    CountingBackend b = new CountingBackend(name);
    backends.add(b);
    return b;
  }

  void startMesh(String... extra) throws IOException {
    MeshClient.Builder b = MeshClient.builder().service("frontend").environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.xds.server", controlPlane.address())
        .property("mesh.xds.node-id", "sidecar~10.0.0.5~frontend-1.default~default.svc.cluster.local")
        .property("mesh.services.orders.discovery", "xds")
        .property("mesh.services.orders.xds.listener", IstioMesh.LISTENER);
    for (int i = 0; i < extra.length; i += 2) {
      b.property(extra[i], extra[i + 1]);
    }
    mesh = b.build();
    http = mesh.wrap(new OkHttpClient());
  }

  /** The body (the backend's name) of a GET to http://orders{path}; fails on a non-2xx answer. */
  String get(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://orders" + path).build()).execute()) {
      String body = r.body().string();
      if (!r.isSuccessful()) {
        throw new IOException("HTTP " + r.code() + " from " + body);
      }
      return body;
    }
  }

  @Test
  void aRequestToAServiceConfiguredOnlyByXdsReachesTheBackendsTheControlPlaneChose() throws IOException {
    CountingBackend a = backend("a");
    CountingBackend b = backend("b");
    CountingBackend other = backend("other");
    controlPlane.publish(istio.subset("v1", a, b).subset("v2", other)
        .routes(IstioMesh.route(IstioMesh.prefix("/"), IstioMesh.cluster("v1"))).snapshot());
    startMesh();

    for (int i = 0; i < 20; i++) {
      assertThat(get("/api/items")).isIn("a", "b");
    }

    assertThat(a.requests() + b.requests()).isEqualTo(20);
    assertThat(a.requests()).isPositive();
    assertThat(b.requests()).isPositive();
    assertThat(other.requests()).isZero();
  }

  @Test
  void closeLeavesNoThread() throws IOException {
    CountingBackend a = backend("a");
    controlPlane.publish(istio.subset("v1", a).routes(IstioMesh.route(IstioMesh.prefix("/"), IstioMesh.cluster("v1")))
        .snapshot());
    startMesh();
    assertThat(get("/")).isEqualTo("a");

    mesh.close();

    leaks.assertNoNewMeshThreads();
  }
}
