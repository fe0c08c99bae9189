package io.mesh4j.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.MeshClosedException;
import io.mesh4j.event.HedgeSent;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.resilience.HoldingBackend.Reply;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MeshClient#shutdown} with mesh-resilience: a request in flight when the shutdown begins
 * still gets its retry (after a real backoff) or its hedge (after a real hedge delay), both timed by
 * the mesh scheduler, which stays up while the shutdown waits.
 */
@Timeout(60)
class GracefulShutdownTest {

  private final ExecutorService background = Executors.newCachedThreadPool();
  /** Released at the end: unblocks a backend thread still holding a request. */
  private final CountDownLatch end = new CountDownLatch(1);

  @AfterEach
  void stop() {
    end.countDown();
    background.shutdownNow();
  }

  private static void hold(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String body(OkHttpClient http, String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  /** Waits until a new mesh call is refused: the shutdown has begun. The probe service is never held. */
  private static void awaitShutdownBegun(OkHttpClient http) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
      try {
        body(http, "http://probe/");
        return false;
      } catch (MeshClosedException refused) {
        return true;
      }
    });
  }

  @Test
  void aRetryAfterBackoffIsSentWhileTheShutdownWaitsAndTheCallSucceeds() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    CountDownLatch answerFirst = new CountDownLatch(1);
    AtomicInteger requests = new AtomicInteger(); // over both endpoints
    HoldingBackend.Replies firstFailsLate = (n, method) -> {
      if (requests.incrementAndGet() == 1) {
        hold(answerFirst);
        return Reply.status(503);
      }
      return Reply.after(0, "retried");
    };
    try (HoldingBackend a = HoldingBackend.start(firstFailsLate);
        HoldingBackend b = HoldingBackend.start(firstFailsLate);
        HoldingBackend probe = HoldingBackend.answeringAfter(0, "probe")) {
      MeshClient mesh = TestMeshes.builder()
          .property("mesh.services.orders.endpoints", a.endpoint() + "," + b.endpoint())
          .property("mesh.services.orders.retry.on", "503")
          .property("mesh.services.orders.retry.backoff.base", "200ms")
          .property("mesh.services.orders.retry.backoff.max", "200ms")
          .property("mesh.services.probe.endpoints", probe.endpoint())
          .build();
      EventRecorder recorder = EventRecorder.on(mesh);
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
        try {
          return body(http, "http://orders/x");
        } catch (IOException e) {
          return e.toString();
        }
      }, background);
      await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 1);
      CompletableFuture<Boolean> shutdown =
          CompletableFuture.supplyAsync(() -> mesh.shutdown(Duration.ofSeconds(30)), background);
      awaitShutdownBegun(http);

      answerFirst.countDown(); // the 503 comes now: the retry is scheduled and sent during the shutdown

      assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo("200 retried");
      assertThat(recorder.count(RetryScheduled.class)).isEqualTo(1);
      assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
      assertThat(mesh.isClosed()).isTrue();
      leaks.assertNoNewMeshThreads();
    }
  }

  @Test
  void aHedgeTimedDuringTheShutdownIsSentAndWins() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    AtomicInteger requests = new AtomicInteger(); // over both endpoints
    HoldingBackend.Replies firstHeld = (n, method) -> {
      if (requests.incrementAndGet() == 1) {
        hold(end);
      }
      return Reply.after(0, "fast");
    };
    try (HoldingBackend a = HoldingBackend.start(firstHeld);
        HoldingBackend b = HoldingBackend.start(firstHeld);
        HoldingBackend probe = HoldingBackend.answeringAfter(0, "probe")) {
      MeshClient mesh = TestMeshes.builder()
          .property("mesh.services.orders.endpoints", a.endpoint() + "," + b.endpoint())
          .property("mesh.services.orders.hedge.delay", "2s")
          .property("mesh.services.probe.endpoints", probe.endpoint())
          .build();
      AtomicLong hedgeSentAt = new AtomicLong();
      mesh.events().subscribe(event -> {
        if (event instanceof HedgeSent) {
          hedgeSentAt.set(System.nanoTime());
        }
      });
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
        try {
          return body(http, "http://orders/x");
        } catch (IOException e) {
          return e.toString();
        }
      }, background);
      await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 1);
      CompletableFuture<Boolean> shutdown =
          CompletableFuture.supplyAsync(() -> mesh.shutdown(Duration.ofSeconds(30)), background);
      awaitShutdownBegun(http);
      long shutdownBegunBy = System.nanoTime();

      assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo("200 fast");
      assertThat(hedgeSentAt.get()).as("the hedge was sent after the shutdown began").isGreaterThan(shutdownBegunBy);
      assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
      leaks.assertNoNewMeshThreads();
    }
  }
}
