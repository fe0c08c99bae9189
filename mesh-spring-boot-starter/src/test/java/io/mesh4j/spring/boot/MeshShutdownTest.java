package io.mesh4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.MeshClosedException;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closing the context: the web server's graceful shutdown lets a request in flight finish, and
 * that request can still call downstream through the mesh, because the mesh stops after the web
 * server (a mesh call that starts during the server's graceful shutdown still goes through);
 * then no mesh thread is left.
 */
class MeshShutdownTest {

  private Backend orders;
  private LeakCheck leaks;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    leaks = LeakCheck.snapshot();
    orders = Backend.start("orders");
  }

  @AfterEach
  void stop() {
    orders.close();
  }

  private ConfigurableApplicationContext app(String... extra) {
    return new SpringApplicationBuilder(TestApp.class)
        .properties("server.port=0", "server.address=127.0.0.1", "server.shutdown=graceful",
            "mesh.service=frontend", "mesh.tls.mode=disabled",
            "mesh.services.orders.endpoints=" + orders.address())
        .properties(extra)
        .run();
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  @Test
  void aRequestInFlightFinishesItsMeshCallWhileTheContextClosesAndNoMeshThreadSurvives() throws Exception {
    ConfigurableApplicationContext context = app();
    int port = port(context);
    MeshClient mesh = context.getBean(MeshClient.class);
    OkHttpClient okHttp = context.getBean(OkHttpClient.class);
    CountDownLatch release = orders.hold();

    CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/front/twice/9")).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> orders.requests() == 1);

    long closeStart = System.nanoTime();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
    // graceful shutdown under way: the server takes no new connection
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 500))
            .isInstanceOf(ConnectException.class));
    assertThat(mesh.isClosed()).as("the mesh outlives the web server's graceful shutdown").isFalse();

    release.countDown();
    HttpResponse<String> answer = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    // the second mesh call started after the context began closing: the mesh still served it
    assertThat(answer.body()).isEqualTo("orders GET /items/9 | orders GET /items/9/again");

    closing.get(20, TimeUnit.SECONDS);
    System.err.printf("context close with one request in flight took %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart));
    assertThat(mesh.isClosed()).isTrue();
    assertThatThrownBy(() -> okHttp.newCall(new Request.Builder().url("http://orders/late").build()).execute())
        .isInstanceOf(MeshClosedException.class);
    leaks.assertNoNewMeshThreads();
    // the OkHttpClient the starter created: its dispatcher threads and pooled connections are released too
    assertThat(okHttp.dispatcher().executorService().isShutdown()).isTrue();
    assertThat(okHttp.connectionPool().connectionCount()).isZero();
  }

  @Test
  void aMeshCallStillRunningAfterTheGraceIsCancelledAndCloseReturns() throws Exception {
    ConfigurableApplicationContext context = app("mesh4j.spring.shutdown-grace=300ms");
    OkHttpClient okHttp = context.getBean(OkHttpClient.class);
    orders.hold(); // never released: the backend answers only after 10 s
    CompletableFuture<Integer> call = CompletableFuture.supplyAsync(() -> {
      try (var r = okHttp.newCall(new Request.Builder().url("http://orders/stuck").build()).execute()) {
        return r.code();
      } catch (IOException e) {
        return -1;
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> orders.requests() == 1);

    long start = System.nanoTime();
    context.close();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.err.printf("context close with a stuck mesh call and a 300ms grace took %d ms%n", tookMillis);
    assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
    assertThat(tookMillis).as("generous bound, checked once").isLessThan(3000);
    leaks.assertNoNewMeshThreads();
  }
}
