package io.mesh4j.internal.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * A stage may keep its chain past its {@code intercept} or proceed from another thread: what it
 * sees must stay its own position and request, whatever the other stages of the run do meanwhile.
 */
class StageChainTest {

  private interface Body {
    Response run(MeshChain chain) throws IOException;
  }

  private static MeshStage stage(String name, Body body) {
    return new MeshStage() {
      @Override
      public Kind kind() {
        return Kind.CALL;
      }

      @Override
      public int order() {
        return 0;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public Response intercept(MeshChain chain) throws IOException {
        return body.run(chain);
      }
    };
  }

  private static Response ok(Request request) {
    return new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(200)
        .message("OK")
        .build();
  }

  private static Response run(List<MeshStage> stages, Request request) throws IOException {
    return new StageChain(stages, 0, null, null, request, (r, t) -> ok(r), null, null, null)
        .proceed(request);
  }

  @Test
  void aKeptChainShowsTheRequestItsStageWasGivenAfterTheRunEnds() throws IOException {
    AtomicReference<MeshChain> kept = new AtomicReference<>();
    Request original = new Request.Builder().url("http://orders/read").build();
    run(
        List.of(
            stage("rewrite", c -> c.proceed(c.request().newBuilder().url("http://orders/v2/read").build())),
            stage("keeper", c -> {
              kept.set(c);
              return c.proceed(c.request());
            })),
        original);

    assertThat(kept.get().request().url().encodedPath()).isEqualTo("/v2/read");
  }

  @Test
  void aChainProceededFromAnotherThreadAfterItsStageReturnedRunsOnlyTheStagesAfterIt()
      throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    CountDownLatch runEnded = new CountDownLatch(1);
    ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
    CompletableFuture<Future<Response>> late = new CompletableFuture<>();
    try {
      Request request = new Request.Builder().url("http://orders/").build();
      run(
          List.of(
              stage("first", c -> {
                ran.add("first");
                return c.proceed(c.request());
              }),
              stage("gives-up", c -> {
                ran.add("gives-up");
                // a hand-made timeout: the attempt goes on on another thread, the stage answers now
                late.complete(worker.submit(() -> {
                  runEnded.await();
                  return c.proceed(c.request());
                }));
                return ok(c.request());
              }),
              stage("last", c -> {
                ran.add("last");
                return c.proceed(c.request());
              })),
          request);
      runEnded.countDown();
      late.get().get(5, TimeUnit.SECONDS);

      assertThat(ran).containsExactly("first", "gives-up", "last");
    } finally {
      worker.shutdownNow();
    }
  }
}
