package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.testing.LeakCheck;
import io.mesh4j.tls.CallerPolicy;
import io.mesh4j.tls.SpiffeId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server-side sample: what the server saw of each caller. */
class MtlsServerSampleTest {

  @TempDir Path dir;

  @Test
  void theServerSeesTheFrontendsSpiffeIdAndRefusesTheWrongIdentityAndNoSvid() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    Path ca = dir.resolve("ca");
    try (MtlsServerSample.OrdersServer orders =
        new MtlsServerSample.OrdersServer(ca, CallerPolicy.allow(SpiffeId.parse(MtlsServerSample.FRONTEND)))) {
      try (MeshClient frontend = MtlsServerSample.caller(ca, "frontend", orders.port())) {
        OkHttpClient http = frontend.wrap(new OkHttpClient());
        assertThat(MtlsServerSample.get(http, "http://orders/hello")).isEqualTo("200 hello spiffe://mesh.local/frontend");
        http.dispatcher().executorService().shutdown();
      }
      assertThat(orders.served()).containsExactly("spiffe://mesh.local/frontend");

      try (MeshClient payments = MtlsServerSample.caller(ca, "payments", orders.port())) {
        OkHttpClient http = payments.wrap(new OkHttpClient());
        assertThat(MtlsServerSample.get(http, "http://orders/hello")).isEqualTo("403 forbidden");
        http.dispatcher().executorService().shutdown();
      }
      assertThat(orders.refused()).singleElement().asString()
          .startsWith("caller spiffe://mesh.local/payments at ")
          .endsWith("is not allowed by CallerPolicy allow(spiffe://mesh.local/frontend)");

      OkHttpClient anonymous = MtlsServerSample.clientWithoutSvid(ca);
      assertThatThrownBy(() -> MtlsServerSample.get(anonymous, "https://127.0.0.1:" + orders.port() + "/hello"))
          .isInstanceOf(IOException.class);
      anonymous.dispatcher().executorService().shutdown();
      anonymous.connectionPool().evictAll();
      // refused in the handshake: the handler never ran for it
      assertThat(orders.served()).containsExactly("spiffe://mesh.local/frontend");
      assertThat(orders.refused()).hasSize(1);
    }
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void theSampleRunsAndPrintsWhatTheServerSaw() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      MtlsServerSample.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .contains("orders served a call from spiffe://mesh.local/frontend")
        .contains("frontend -> http://orders/hello: 200 hello spiffe://mesh.local/frontend")
        .contains("payments -> http://orders/hello: 403 forbidden")
        .contains("orders refused: caller spiffe://mesh.local/payments")
        .contains("no SVID -> refused in the TLS handshake")
        .contains("== orders served [spiffe://mesh.local/frontend], refused 1");
    leaks.assertNoNewMeshThreads();
  }
}
