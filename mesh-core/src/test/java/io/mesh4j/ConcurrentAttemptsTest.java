package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.CallTracker;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.PickResult;
import io.mesh4j.pipeline.ConcurrentAttempts;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import io.mesh4j.spi.ResponseClassifier;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pipeline's support for attempts that run at the same time (what hedging builds on), and for
 * a module deciding which responses count as failures for the balancer: exercised by stages and
 * modules written in the test.
 */
@Timeout(30)
class ConcurrentAttemptsTest {

  /** What an ATTEMPT stage saw of one attempt. */
  record Seen(int number, String thread, boolean failed, boolean attemptCanceled, boolean callCanceled) {}

  private static class TestModule implements MeshModule {
    final List<MeshStage> stages = new CopyOnWriteArrayList<>();
    ResponseClassifier classifier;

    @Override
    public String name() {
      return "test";
    }

    @Override
    public String artifactId() {
      return "mesh-test-module-" + System.identityHashCode(this);
    }

    @Override
    public MeshExtension create(MeshContext ctx) {
      return new MeshExtension() {
        @Override
        public List<MeshStage> stages() {
          return stages;
        }

        @Override
        public Optional<ResponseClassifier> responseClassifier() {
          return Optional.ofNullable(classifier);
        }
      };
    }
  }

  @FunctionalInterface
  private interface StageBody {
    Response intercept(MeshChain chain) throws IOException;
  }

  private static MeshStage stage(MeshStage.Kind kind, int order, StageBody body) {
    return new MeshStage() {
      @Override
      public Kind kind() {
        return kind;
      }

      @Override
      public int order() {
        return order;
      }

      @Override
      public Response intercept(MeshChain chain) throws IOException {
        return body.intercept(chain);
      }
    };
  }

  /** An ATTEMPT stage recording what each attempt saw. */
  private static MeshStage recording(List<Seen> seen) {
    return stage(MeshStage.Kind.ATTEMPT, 500, chain -> {
      int number = chain.attempt().number();
      String thread = Thread.currentThread().getName();
      try {
        Response r = chain.proceed(chain.request());
        seen.add(new Seen(number, thread, false, chain.isCanceled(), chain.call().okHttpCall().isCanceled()));
        return r;
      } catch (IOException e) {
        seen.add(new Seen(number, thread, true, chain.isCanceled(), chain.call().okHttpCall().isCanceled()));
        throw e;
      }
    });
  }

  private static MockWebServer server(Dispatcher dispatcher) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(dispatcher);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  /** The first request waits 20 s for its headers, every later one is answered at once. */
  private static Dispatcher firstIsSlow(CountDownLatch firstArrived) {
    AtomicInteger requests = new AtomicInteger();
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (requests.incrementAndGet() == 1) {
          firstArrived.countDown();
          return new MockResponse.Builder().headersDelay(20, TimeUnit.SECONDS).body("slow").build();
        }
        return new MockResponse.Builder().body("fast").build();
      }
    };
  }

  @Test
  void aCallStageRunsTwoAttemptsAtOnceAndCancelsTheSlowOneAloneWithoutCancellingTheCall()
      throws Exception {
    CountDownLatch firstArrived = new CountDownLatch(1);
    List<Seen> seen = new CopyOnWriteArrayList<>();
    AtomicInteger callCancellations = new AtomicInteger();
    AtomicReference<String> callerThread = new AtomicReference<>();
    TestModule module = new TestModule();
    module.stages.add(recording(seen));
    module.stages.add(stage(MeshStage.Kind.CALL, 300, chain -> {
      callerThread.set(Thread.currentThread().getName());
      ConcurrentAttempts attempts = chain.concurrentAttempts(callCancellations::incrementAndGet);
      ConcurrentAttempts.Attempt slow = attempts.newAttempt(chain.request());
      slow.start(new ConcurrentAttempts.Callback() {
        @Override
        public void onResponse(Response response) {
          response.close();
        }

        @Override
        public void onFailure(IOException failure) {}
      });
      try {
        if (!firstArrived.await(10, TimeUnit.SECONDS)) {
          throw new IOException("the first attempt never arrived");
        }
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      Response fast = attempts.newAttempt(chain.request()).execute(); // on this thread
      slow.cancel();
      assertThat(slow.isCanceled()).isTrue();
      return fast;
    }));
    try (MockWebServer backend = server(firstIsSlow(firstArrived));
        MeshClient mesh = TestMesh.builder()
            .module(module)
            .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.getPort())
            .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      try (Response r = http.newCall(new Request.Builder().url("http://orders/x").build()).execute()) {
        assertThat(r.body().string()).isEqualTo("fast");
      }
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> seen.size() == 2);
      Seen first = seen.stream().filter(s -> s.number() == 1).findFirst().orElseThrow();
      Seen second = seen.stream().filter(s -> s.number() == 2).findFirst().orElseThrow();
      assertThat(first.failed()).isTrue();
      assertThat(first.attemptCanceled()).as("the cancelled attempt knows it was cancelled").isTrue();
      assertThat(first.callCanceled()).as("the logical call was not cancelled").isFalse();
      assertThat(first.thread()).isNotEqualTo(callerThread.get());
      assertThat(second).isEqualTo(new Seen(2, callerThread.get(), false, false, false));
      assertThat(callCancellations).hasValue(0);
      assertThat(backend.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void theCallsDeadlineCancelsEveryConcurrentAttemptAndTellsTheStage() throws Exception {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    AtomicInteger callCancellations = new AtomicInteger();
    TestModule module = new TestModule();
    module.stages.add(recording(seen));
    module.stages.add(stage(MeshStage.Kind.CALL, 300, chain -> {
      CountDownLatch ended = new CountDownLatch(2);
      ConcurrentAttempts attempts = chain.concurrentAttempts(callCancellations::incrementAndGet);
      ConcurrentAttempts.Callback callback = new ConcurrentAttempts.Callback() {
        @Override
        public void onResponse(Response response) {
          response.close();
          ended.countDown();
        }

        @Override
        public void onFailure(IOException failure) {
          ended.countDown();
        }
      };
      attempts.newAttempt(chain.request()).start(callback);
      attempts.newAttempt(chain.request()).start(callback);
      try {
        ended.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      throw new IOException("Canceled");
    }));
    Dispatcher stalled = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().headersDelay(20, TimeUnit.SECONDS).body("late").build();
      }
    };
    try (MockWebServer backend = server(stalled);
        MeshClient mesh = TestMesh.builder()
            .module(module)
            .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.getPort())
            .property("mesh.services.orders.timeout", "300ms")
            .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://orders/x").build()).execute())
          .isInstanceOf(MeshTimeoutException.class);
      assertThat(callCancellations).hasValue(1);
      assertThat(seen).hasSize(2).allSatisfy(s -> {
        assertThat(s.failed()).isTrue();
        assertThat(s.attemptCanceled()).isTrue();
        assertThat(s.callCanceled()).isTrue();
      });
    }
  }

  @Test
  void attemptStagesCannotRunAttemptsConcurrently() throws Exception {
    TestModule module = new TestModule();
    module.stages.add(stage(MeshStage.Kind.ATTEMPT, 500, chain -> {
      chain.concurrentAttempts(() -> {});
      return chain.proceed(chain.request());
    }));
    try (Backends backends = Backends.naming(1);
        MeshClient mesh = TestMesh.builder()
            .module(module)
            .property("mesh.services.orders.endpoints", backends.endpoints())
            .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://orders/x").build()).execute())
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("ATTEMPT stage");
    }
  }

  /** A policy with one endpoint whose tracker records each attempt's outcome. */
  private static LoadBalancerProvider recordingPolicy(List<Boolean> outcomes) {
    return new LoadBalancerProvider() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
        CallTracker tracker = (latencyNanos, success) -> outcomes.add(success);
        return update -> {
          Endpoint only = update.endpoints().get(0);
          context.updatePicker(request -> PickResult.of(only, tracker));
        };
      }
    };
  }

  private static List<Boolean> trackedOutcomes(TestModule module, int... statuses) throws Exception {
    List<Boolean> outcomes = new CopyOnWriteArrayList<>();
    AtomicInteger next = new AtomicInteger();
    Dispatcher answers = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(statuses[next.getAndIncrement()]).build();
      }
    };
    try (MockWebServer backend = server(answers)) {
      MeshClient.Builder b = TestMesh.builder()
          .loadBalancer(recordingPolicy(outcomes))
          .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.getPort())
          .property("mesh.services.orders.lb", "recording");
      if (module != null) {
        b.module(module);
      }
      try (MeshClient mesh = b.build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int ignored : statuses) {
          http.newCall(new Request.Builder().url("http://orders/x").build()).execute().close();
        }
      }
      assertThat(backend.getRequestCount()).isEqualTo(statuses.length);
    }
    return outcomes;
  }

  @Test
  void theBalancersTrackerCountsAsFailedWhatTheModulesClassifierSays() throws Exception {
    TestModule module = new TestModule();
    module.classifier = (service, status) -> status == 429 || status >= 500;
    assertThat(trackedOutcomes(module, 200, 429, 503, 404)).containsExactly(true, false, false, true);
    assertThat(trackedOutcomes(null, 200, 429, 503, 404))
        .as("without a classifier 5xx fails").containsExactly(true, true, false, true);
  }

  @Test
  void twoModulesThatClassifyResponsesRefuseToStart() {
    TestModule a = new TestModule();
    a.classifier = ResponseClassifier.SERVER_ERRORS;
    TestModule b = new TestModule();
    b.classifier = (service, status) -> status >= 400;
    assertThatThrownBy(() -> TestMesh.builder().module(a).module(b).build())
        .isInstanceOf(MeshException.class)
        .hasMessageContaining("classify failed responses");
  }

  @Test
  void aModuleCarriesItsRequestContextToConcurrentAttempts() throws Exception {
    ThreadLocal<String> moduleState = new ThreadLocal<>();
    List<String> seenOnAttempt = new CopyOnWriteArrayList<>();
    TestModule module = new TestModule() {
      @Override
      public MeshExtension create(MeshContext ctx) {
        MeshExtension inner = super.create(ctx);
        return new MeshExtension() {
          @Override
          public List<MeshStage> stages() {
            return inner.stages();
          }

          @Override
          public java.util.function.UnaryOperator<Runnable> captureRequestContext() {
            String captured = moduleState.get();
            return task -> () -> {
              String previous = moduleState.get();
              moduleState.set(captured);
              try {
                task.run();
              } finally {
                moduleState.set(previous);
              }
            };
          }
        };
      }
    };
    module.stages.add(stage(MeshStage.Kind.ATTEMPT, 500, chain -> {
      seenOnAttempt.add(moduleState.get());
      return chain.proceed(chain.request());
    }));
    module.stages.add(stage(MeshStage.Kind.CALL, 300, chain -> {
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<Response> response = new AtomicReference<>();
      chain.concurrentAttempts(() -> {}).newAttempt(chain.request()).start(new ConcurrentAttempts.Callback() {
        @Override
        public void onResponse(Response r) {
          response.set(r);
          done.countDown();
        }

        @Override
        public void onFailure(IOException failure) {
          done.countDown();
        }
      });
      try {
        done.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      if (response.get() == null) {
        throw new IOException("the attempt failed");
      }
      return response.get();
    }));
    try (Backends backends = Backends.naming(1);
        MeshClient mesh = TestMesh.builder()
            .module(module)
            .property("mesh.services.orders.endpoints", backends.endpoints())
            .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      moduleState.set("trace-7");
      try (Response r = http.newCall(new Request.Builder().url("http://orders/x").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      } finally {
        moduleState.remove();
      }
      assertThat(seenOnAttempt).containsExactly("trace-7");
    }
  }
}
