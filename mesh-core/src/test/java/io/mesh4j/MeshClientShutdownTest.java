package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.pipeline.ConcurrentAttempts;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MeshClient#shutdown}: new mesh calls refused at once, in-flight ones (with their retries
 * and hedges) finish within the grace period, the rest cancelled, nothing left running.
 */
class MeshClientShutdownTest {

  /** A slow call's backend, and a quick one to probe with: once probes are refused, shutdown has begun. */
  private Backends quick;
  private final ExecutorService background = Executors.newCachedThreadPool();
  private final OkHttpClient plain = new OkHttpClient();
  private Set<Thread> threadsBefore;

  @BeforeEach
  void start() throws IOException {
    quick = Backends.answering(1, new MockResponse.Builder().body("quick").build());
    threadsBefore = Set.copyOf(meshThreads());
  }

  @AfterEach
  void stop() {
    quick.close();
    background.shutdownNow();
  }

  private MeshClient mesh(HeldBackend slow, MeshModule... modules) {
    MeshClient.Builder b = TestMesh.builder()
        .property("mesh.services.orders.endpoints", slow.endpoint())
        .property("mesh.services.probe.endpoints", quick.endpoints());
    for (MeshModule m : modules) {
      b.module(m);
    }
    return b.build();
  }

  /** What one call ended with: the body read to the end, or the failure. */
  private record Outcome(int code, String body, IOException failure) {}

  private static CompletableFuture<Outcome> send(OkHttpClient http, String url) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    http.newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        outcome.complete(new Outcome(0, null, e));
      }

      @Override
      public void onResponse(Call call, Response response) {
        try (response) {
          outcome.complete(new Outcome(response.code(), response.body().string(), null));
        } catch (IOException e) {
          outcome.complete(new Outcome(response.code(), null, e));
        }
      }
    });
    return outcome;
  }

  private static IOException failureOf(OkHttpClient http, String url) {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  /** Waits until new mesh calls are refused, proving the shutdown has begun (probes are never held). */
  private static void awaitShutdownBegun(OkHttpClient http) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> failureOf(http, "http://probe/") instanceof MeshClosedException);
  }

  private CompletableFuture<Boolean> shutdownInBackground(MeshClient mesh, Duration grace) {
    return CompletableFuture.supplyAsync(() -> mesh.shutdown(grace), background);
  }

  private static List<Thread> meshThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("mesh4j-"))
        .collect(Collectors.toList());
  }

  /** No mesh thread started by the test is alive (the mesh's own are gone once shutdown returns). */
  private void assertNoMeshThreadLeft() {
    assertThat(meshThreads().stream().filter(t -> !threadsBefore.contains(t)).map(Thread::getName))
        .isEmpty();
  }

  @Test
  void inFlightCallFinishesWhileNewCallsAreRefusedAtOnce() throws Exception {
    try (HeldBackend slow = HeldBackend.holdingAll()) {
      MeshClient mesh = mesh(slow);
      OkHttpClient http = mesh.wrap(plain);
      CompletableFuture<Outcome> inFlight = send(http, "http://orders/slow");
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.received.get() == 1);

      CompletableFuture<Boolean> shutdown = shutdownInBackground(mesh, Duration.ofSeconds(30));
      awaitShutdownBegun(http);

      long refusedStart = System.nanoTime();
      IOException refused = failureOf(http, "http://orders/new");
      long refusedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refusedStart);
      assertThat(refused)
          .isInstanceOf(MeshClosedException.class)
          .hasMessageContaining("shutting down")
          .hasMessageContaining("'orders'");
      assertThat(refusedMillis).as("refused at once, not after the grace period").isLessThan(3_000);
      assertThat(slow.received).as("the refused call never reached the backend").hasValue(1);
      assertThatThrownBy(() -> mesh.wrap(new OkHttpClient()))
          .isInstanceOf(MeshClosedException.class)
          .hasMessageContaining("'frontend' is shutting down");
      assertThat(shutdown).isNotDone();
      assertThat(mesh.isClosed()).isFalse();
      // other hosts keep working while the mesh drains
      String direct = "http://" + quick.endpoints() + "/direct";
      try (Response r = http.newCall(new Request.Builder().url(direct).build()).execute()) {
        assertThat(r.body().string()).isEqualTo("quick");
      }

      slow.release();
      Outcome done = inFlight.get(10, TimeUnit.SECONDS);
      assertThat(done.failure()).isNull();
      assertThat(done.body()).isEqualTo("reply-1");
      assertThat(shutdown.get(10, TimeUnit.SECONDS)).as("every in-flight call finished").isTrue();
      assertThat(mesh.isClosed()).isTrue();
      assertNoMeshThreadLeft();
    }
  }

  @Test
  void graceExpiryCancelsTheCallsStillInFlight() throws Exception {
    try (HeldBackend slow = HeldBackend.holdingAll()) {
      MeshClient mesh = mesh(slow);
      OkHttpClient http = mesh.wrap(plain);
      CompletableFuture<Outcome> stuck = send(http, "http://orders/stuck");
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.received.get() == 1);

      long start = System.nanoTime();
      boolean finished = mesh.shutdown(Duration.ofMillis(300));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(finished).as("a call had to be cancelled").isFalse();
      assertThat(tookMillis).as("the grace period bounds the wait").isLessThan(3_000);
      assertThat(mesh.isClosed()).isTrue();
      Outcome cancelled = stuck.get(10, TimeUnit.SECONDS);
      assertThat(cancelled.failure())
          .isInstanceOf(MeshClosedException.class)
          .hasMessageContaining("'orders'")
          .hasMessageContaining("in flight");
      assertNoMeshThreadLeft();
    }
  }

  @Test
  void aRetryOfAnInFlightCallIsSentDuringShutdown() throws Exception {
    // the first attempt answers 503 once released, after the shutdown began; the retry gets 200
    try (HeldBackend slow = HeldBackend.holding(n -> n == 1, n -> n == 1 ? 503 : 200)) {
      MeshStage retryOn503 = stage(chain -> {
        Response first = chain.proceed(chain.request());
        if (first.code() != 503) {
          return first;
        }
        first.close();
        return chain.proceed(chain.request());
      });
      MeshClient mesh = mesh(slow, module(retryOn503));
      OkHttpClient http = mesh.wrap(plain);
      CompletableFuture<Outcome> call = send(http, "http://orders/retried");
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.received.get() == 1);
      CompletableFuture<Boolean> shutdown = shutdownInBackground(mesh, Duration.ofSeconds(30));
      awaitShutdownBegun(http);

      slow.release();

      Outcome done = call.get(10, TimeUnit.SECONDS);
      assertThat(done.failure()).isNull();
      assertThat(done.code()).isEqualTo(200);
      assertThat(done.body()).isEqualTo("reply-2");
      assertThat(shutdown.get(10, TimeUnit.SECONDS)).isTrue();
      assertNoMeshThreadLeft();
    }
  }

  @Test
  void aHedgeOfAnInFlightCallIsSentDuringShutdownAndWins() throws Exception {
    // attempt 1 stays held; the hedge, started once the shutdown began, is answered at once
    CountDownLatch hedgeNow = new CountDownLatch(1);
    try (HeldBackend slow = HeldBackend.holding(n -> n == 1, n -> 200)) {
      MeshStage hedging = stage(chain -> {
        ConcurrentAttempts attempts = chain.concurrentAttempts(() -> {});
        CompletableFuture<Response> firstAnswer = new CompletableFuture<>();
        ConcurrentAttempts.Attempt primary = attempts.newAttempt(chain.request());
        primary.start(answerTo(firstAnswer));
        try {
          if (!hedgeNow.await(20, TimeUnit.SECONDS)) {
            throw new IOException("test never asked for the hedge");
          }
          ConcurrentAttempts.Attempt hedge = attempts.newAttempt(chain.request());
          hedge.start(answerTo(firstAnswer));
          Response winner = firstAnswer.get(20, TimeUnit.SECONDS);
          primary.cancel(); // the held one lost
          return winner;
        } catch (Exception e) {
          primary.cancel();
          throw new IOException(e);
        }
      });
      MeshClient mesh = mesh(slow, module(hedging));
      OkHttpClient http = mesh.wrap(plain);
      CompletableFuture<Outcome> call = send(http, "http://orders/hedged");
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.received.get() == 1);
      CompletableFuture<Boolean> shutdown = shutdownInBackground(mesh, Duration.ofSeconds(30));
      awaitShutdownBegun(http);

      hedgeNow.countDown();

      Outcome done = call.get(10, TimeUnit.SECONDS);
      assertThat(done.failure()).isNull();
      assertThat(done.body()).isEqualTo("reply-2");
      assertThat(shutdown.get(10, TimeUnit.SECONDS)).isTrue();
      assertNoMeshThreadLeft();
    }
  }

  @Test
  void closeDuringShutdownCancelsAndShutdownReportsIt() throws Exception {
    try (HeldBackend slow = HeldBackend.holdingAll()) {
      MeshClient mesh = mesh(slow);
      OkHttpClient http = mesh.wrap(plain);
      CompletableFuture<Outcome> stuck = send(http, "http://orders/stuck");
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.received.get() == 1);
      CompletableFuture<Boolean> shutdown = shutdownInBackground(mesh, Duration.ofMinutes(5));
      awaitShutdownBegun(http);

      mesh.close();

      assertThat(mesh.isClosed()).isTrue();
      assertThat(shutdown.get(10, TimeUnit.SECONDS)).as("close() cancelled a call").isFalse();
      assertThat(stuck.get(10, TimeUnit.SECONDS).failure()).isInstanceOf(MeshClosedException.class);
      assertNoMeshThreadLeft();
    }
  }

  @Test
  void shutdownIsIdempotentAndAfterItTheClientSaysItIsClosed() throws Exception {
    try (HeldBackend slow = HeldBackend.holdingAll()) {
      MeshClient mesh = mesh(slow);
      OkHttpClient http = mesh.wrap(plain);

      assertThat(mesh.shutdown(Duration.ofSeconds(5))).as("nothing was in flight").isTrue();
      assertThat(mesh.shutdown(Duration.ofSeconds(5))).isTrue();
      mesh.close();
      assertThat(mesh.isClosed()).isTrue();

      assertThat(failureOf(http, "http://orders/late"))
          .isInstanceOf(MeshClosedException.class)
          .hasMessageContaining("is closed")
          .hasMessageContaining("'orders'");
      assertThat(slow.received).hasValue(0);
      assertThatThrownBy(() -> mesh.wrap(new OkHttpClient()))
          .isInstanceOf(MeshClosedException.class)
          .hasMessageContaining("'frontend' is closed");
      assertThatThrownBy(mesh::reload)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'frontend' is closed")
          .hasMessageContaining("reload()");
      assertThatThrownBy(() -> mesh.apply(mesh.config()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'frontend' is closed")
          .hasMessageContaining("apply()");
      assertNoMeshThreadLeft();
    }
  }

  @Test
  void shutdownAfterCloseReportsWhetherTheCloseCancelledCalls() throws Exception {
    try (HeldBackend slow = HeldBackend.holdingAll()) {
      MeshClient mesh = mesh(slow);
      CompletableFuture<Outcome> stuck = send(mesh.wrap(plain), "http://orders/stuck");
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.received.get() == 1);
      mesh.close();
      assertThat(stuck.get(10, TimeUnit.SECONDS).failure()).isInstanceOf(MeshClosedException.class);
      assertThat(mesh.shutdown(Duration.ofSeconds(5))).isFalse();
    }
  }

  @Test
  void noMeshConnectionOutlivesShutdown() throws Exception {
    try (KeepAliveServer backend = new KeepAliveServer()) {
      MeshClient mesh = TestMesh.builder()
          .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.port())
          .build();
      OkHttpClient http = mesh.wrap(plain);
      try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
        assertThat(r.body().string()).isEqualTo("ok");
      }
      assertThat(backend.closedByClient).as("pooled, kept alive").hasValue(0);

      assertThat(mesh.shutdown(Duration.ofSeconds(5))).isTrue();

      await().atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(backend.closedByClient).hasValue(backend.accepted.get()));
      assertNoMeshThreadLeft();
    }
  }

  @Test
  void aNegativeGraceIsRefusedAndLeavesTheClientRunning() throws Exception {
    try (HeldBackend slow = HeldBackend.holding(n -> false, n -> 200);
        MeshClient mesh = mesh(slow)) {
      assertThatThrownBy(() -> mesh.shutdown(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("negative");
      try (Response r = mesh.wrap(plain).newCall(new Request.Builder().url("http://orders/").build()).execute()) {
        assertThat(r.body().string()).isEqualTo("reply-1");
      }
    }
  }

  private static ConcurrentAttempts.Callback answerTo(CompletableFuture<Response> firstAnswer) {
    return new ConcurrentAttempts.Callback() {
      @Override
      public void onResponse(Response response) {
        if (!firstAnswer.complete(response)) {
          response.close();
        }
      }

      @Override
      public void onFailure(IOException failure) {
        // the other attempt may still answer; the stage's own wait bounds it
      }
    };
  }

  @Test
  void aCallThatFailedWithAnErrorIsNoLongerInFlightSoShutdownReturnsAtOnce() throws Exception {
    try (HeldBackend unused = HeldBackend.holdingAll()) {
      MeshClient mesh = mesh(unused, module(stage(chain -> {
        throw new AssertionError("a stage failed with an Error");
      })));
      OkHttpClient http = mesh.wrap(plain);
      assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://orders/").build()).execute())
          .isInstanceOf(AssertionError.class);

      long started = System.nanoTime();
      assertThat(mesh.shutdown(Duration.ofSeconds(30))).as("nothing in flight: nothing cancelled").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait for the grace").isLessThan(Duration.ofSeconds(10));
    }
  }

  @FunctionalInterface
  private interface StageBody {
    Response intercept(MeshChain chain) throws IOException;
  }

  /** A CALL stage for requests to {@code orders}. */
  private static MeshStage stage(StageBody body) {
    return new MeshStage() {
      @Override
      public Kind kind() {
        return Kind.CALL;
      }

      @Override
      public int order() {
        return 300;
      }

      @Override
      public Response intercept(MeshChain chain) throws IOException {
        if (!chain.call().service().equals("orders")) { // probes pass straight through
          return chain.proceed(chain.request());
        }
        return body.intercept(chain);
      }
    };
  }

  private static MeshModule module(MeshStage stage) {
    return new MeshModule() {
      @Override
      public String name() {
        return "shutdown-test";
      }

      @Override
      public String artifactId() {
        return "mesh-shutdown-test";
      }

      @Override
      public MeshExtension create(MeshContext context) {
        return new MeshExtension() {
          @Override
          public List<MeshStage> stages() {
            return List.of(stage);
          }
        };
      }
    };
  }
}
