package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.get;
import static io.mesh4j.resilience.TestMeshes.server;
import static io.mesh4j.resilience.TestMeshes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import io.mesh4j.MeshTimeoutException;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class DeadlineTest {

  private static long deadlineHeader(RecordedRequest r) {
    return Long.parseLong(r.getHeaders().get(InboundDeadline.HEADER));
  }

  @Test
  void eachAttemptCarriesTheRemainingTimeWhichDecreasesAcrossRetries() throws Exception {
    try (MockWebServer stalled =
            server(r -> new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build());
        MockWebServer healthy = server(r -> status(200));
        MeshClient mesh =
            TestMeshes.builder()
                .property("mesh.services.orders.endpoints", endpoints(stalled, healthy))
                .property("mesh.services.orders.lb", "round-robin")
                .property("mesh.services.orders.timeout", "2s")
                .property("mesh.services.orders.per-try-timeout", "300ms")
                .property("mesh.services.orders.retry.on", "timeout")
                .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 2; i++) { // one of the two starts on the stalled endpoint
        try (Response r = http.newCall(get("http://orders/x")).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
      }
      long first = deadlineHeader(stalled.takeRequest(5, TimeUnit.SECONDS));
      assertThat(first).isBetween(1000L, 2000L);
      long afterRetry = Long.MAX_VALUE; // the smallest value the healthy endpoint saw
      for (int i = healthy.getRequestCount(); i > 0; i--) {
        afterRetry = Math.min(afterRetry, deadlineHeader(healthy.takeRequest(5, TimeUnit.SECONDS)));
      }
      assertThat(afterRetry).as("the retry after a 300ms per-try timeout has less left").isLessThanOrEqualTo(first - 250);
    }
  }

  @Test
  void noHeaderIsSentWithoutADeadline() throws Exception {
    try (MockWebServer backend = server(r -> status(200));
        MeshClient mesh =
            TestMeshes.builder().property("mesh.services.orders.endpoints", endpoints(backend)).build()) {
      mesh.wrap(new OkHttpClient()).newCall(get("http://orders/x")).execute().close();
      assertThat(backend.takeRequest(5, TimeUnit.SECONDS).getHeaders().get(InboundDeadline.HEADER)).isNull();
    }
  }

  @Test
  void anInboundDeadlineShorterThanTheTimeoutFailsTheRequestAsAMeshTimeoutNamingTheCallersDeadline()
      throws Exception {
    SchedulerProbe scheduler = new SchedulerProbe();
    LeakCheck leaks = LeakCheck.snapshot();
    AtomicInteger timersWhileSent = new AtomicInteger(-1);
    try (MockWebServer stalled =
            server(r -> {
              timersWhileSent.set(scheduler.pendingTasks());
              return new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build();
            });
        MockWebServer warm = server(r -> status(200))) {
      try (MeshClient mesh =
          TestMeshes.builder()
              .module(scheduler)
              .property("mesh.services.orders.endpoints", endpoints(stalled))
              .property("mesh.services.orders.timeout", "5s")
              .property("mesh.services.orders.outlier-detection.enabled", "false")
              .property("mesh.services.warmup.endpoints", endpoints(warm))
              .build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        // Load the request path's classes first, so the short deadline below is not spent on that.
        http.newCall(get("http://warmup/")).execute().close();
        long start = System.nanoTime();
        try (InboundDeadline.Scope scope = InboundDeadline.enter(Deadline.after(Duration.ofMillis(500)))) {
          assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
              .isInstanceOf(MeshTimeoutException.class)
              .hasMessageContaining("'orders'")
              .hasMessageContaining("the caller's deadline (" + InboundDeadline.HEADER + ")");
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
        RecordedRequest seen = stalled.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(deadlineHeader(seen)).isBetween(1L, 500L);
        assertThat(InboundDeadline.current()).isEmpty();
        assertThat(timersWhileSent.get())
            .as("one timer for both deadlines: the 5s timeout's was moved to the caller's 500ms")
            .isEqualTo(1);
        assertThat(scheduler.pendingTasks()).as("the timer is gone with the request").isZero();
      }
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void anInboundDeadlineAlreadyPassedFailsAtOnceWithoutSending() throws Exception {
    try (MockWebServer backend = server(r -> status(200));
        MeshClient mesh =
            TestMeshes.builder().property("mesh.services.orders.endpoints", endpoints(backend)).build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Deadline passed = Deadline.after(Duration.ofMillis(-1));
      assertThatThrownBy(() -> http.newCall(get("http://orders/x").newBuilder().tag(Deadline.class, passed).build()).execute())
          .isInstanceOf(MeshTimeoutException.class)
          .hasMessageContaining("the caller's deadline");
      assertThat(backend.getRequestCount()).isZero();
    }
  }

  /** client → mesh → front (JDK HttpServer honouring the header) → mesh → inventory. */
  @Test
  void theDeadlineIsHonouredEndToEndThroughAServer() throws Exception {
    try (MockWebServer inventory = server(r -> status(200));
        MeshClient backMesh =
            TestMeshes.builder()
                .property("mesh.services.inventory.endpoints", endpoints(inventory))
                .property("mesh.services.inventory.timeout", "10s")
                .build()) {
      OkHttpClient backHttp = backMesh.wrap(new OkHttpClient());
      ExecutorService executor = Executors.newFixedThreadPool(2);
      HttpServer front = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
      front.setExecutor(executor);
      front.createContext(
          "/",
          exchange -> {
            Deadline inbound = InboundDeadline.fromHeaders(exchange.getRequestHeaders()::getFirst).orElse(null);
            int code;
            try (InboundDeadline.Scope scope = InboundDeadline.enter(inbound);
                Response r = backHttp.newCall(get("http://inventory/stock")).execute()) {
              code = r.code();
            } catch (IOException e) {
              code = 504;
            }
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      front.start();
      try (MeshClient frontMesh =
          TestMeshes.builder()
              .property("mesh.services.front.endpoints", "127.0.0.1:" + front.getAddress().getPort())
              .property("mesh.services.front.timeout", "1s")
              .build()) {
        try (Response r = frontMesh.wrap(new OkHttpClient()).newCall(get("http://front/")).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
        long atInventory = deadlineHeader(inventory.takeRequest(5, TimeUnit.SECONDS));
        assertThat(atInventory).as("inventory's own timeout is 10s; front's caller waits 1s").isBetween(1L, 1000L);
      } finally {
        front.stop(0);
        executor.shutdownNow();
      }
    }
  }

  @Test
  void malformedDeadlineHeadersAreIgnored() {
    assertThat(InboundDeadline.fromHeader("abc")).isEmpty();
    assertThat(InboundDeadline.fromHeader("-5")).isEmpty();
    assertThat(InboundDeadline.fromHeader(null)).isEmpty();
    assertThat(InboundDeadline.fromHeader("250").orElseThrow().remainingMillis()).isBetween(200L, 250L);
  }
}
