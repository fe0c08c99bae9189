package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.EndpointFilter;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The extension points other modules build on, exercised by a module written in the test. */
class PipelineExtensionTest {

  /** A module assembled from parts, as mesh-resilience or mesh-tracing would contribute them. */
  private static class TestModule implements MeshModule {
    final List<MeshStage> stages = new CopyOnWriteArrayList<>();
    final List<EndpointFilter> filters = new CopyOnWriteArrayList<>();
    final List<Interceptor> networkInterceptors = new CopyOnWriteArrayList<>();
    final AtomicReference<MeshContext> context = new AtomicReference<>();

    @Override
    public String name() {
      return "test";
    }

    @Override
    public String artifactId() {
      return "mesh-test-module";
    }

    @Override
    public MeshExtension create(MeshContext ctx) {
      context.set(ctx);
      return new MeshExtension() {
        @Override
        public List<MeshStage> stages() {
          return stages;
        }

        @Override
        public List<EndpointFilter> endpointFilters() {
          return filters;
        }

        @Override
        public List<Interceptor> networkInterceptors() {
          return networkInterceptors;
        }
      };
    }
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

  @FunctionalInterface
  private interface StageBody {
    Response intercept(MeshChain chain) throws IOException;
  }

  private static Request get(String url) {
    return new Request.Builder().url(url).build();
  }

  @Test
  void callStageRetriesOnAnotherEndpointAfterAPerTryTimeout() throws Exception {
    try (MockWebServer stalled = new MockWebServer();
        MockWebServer healthy = new MockWebServer()) {
      stalled.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
              return new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build();
            }
          });
      healthy.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
              return new MockResponse.Builder().body("healthy").build();
            }
          });
      stalled.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      healthy.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      List<List<MeshAttempt>> attemptsSeen = new CopyOnWriteArrayList<>();
      TestModule module = new TestModule();
      module.stages.add(
          stage(
              MeshStage.Kind.CALL,
              300,
              chain -> {
                MeshChain perTry = chain.withAttemptTimeout(Duration.ofMillis(300));
                try {
                  return perTry.proceed(chain.request());
                } catch (IOException first) {
                  return perTry.proceed(chain.request());
                } finally {
                  attemptsSeen.add(chain.call().attempts());
                }
              }));
      try (MeshClient mesh =
          TestMesh.builder()
              .module(module)
              .property(
                  "mesh.services.orders.endpoints",
                  "127.0.0.1:" + stalled.getPort() + ",127.0.0.1:" + healthy.getPort())
              // Round-robin alternates first picks, so of any two requests one meets the stall.
              .property("mesh.services.orders.lb", "round-robin")
              .build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        for (int i = 0; i < 4; i++) {
          long start = System.nanoTime();
          try (Response r = http.newCall(get("http://orders/x")).execute()) {
            assertThat(r.body().string()).isEqualTo("healthy");
          }
          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
        }
      }
      assertThat(attemptsSeen).isNotEmpty();
      for (List<MeshAttempt> attempts : attemptsSeen) {
        Set<Endpoint> distinct = attempts.stream().map(MeshAttempt::endpoint).collect(Collectors.toSet());
        assertThat(distinct).hasSameSizeAs(attempts); // a retry never reuses an endpoint
        assertThat(attempts.get(attempts.size() - 1).endpoint().port()).isEqualTo(healthy.getPort());
      }
      assertThat(attemptsSeen).anySatisfy(a -> assertThat(a).hasSize(2));
    }
  }

  @Test
  void attemptStagesSeeTheEndpointAndCallStagesDoNot() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    TestModule module = new TestModule();
    module.stages.add(
        stage(
            MeshStage.Kind.ATTEMPT,
            100,
            chain -> {
              seen.add("attempt " + chain.attempt().number() + " " + chain.attempt().endpoint()
                  + " " + chain.request().url().host());
              return chain.proceed(chain.request());
            }));
    module.stages.add(
        stage(
            MeshStage.Kind.CALL,
            100,
            chain -> {
              seen.add("call " + chain.attempt() + " " + chain.request().url().host());
              return chain.proceed(chain.request());
            }));
    try (Backends backends = Backends.naming(1);
        MeshClient mesh =
            TestMesh.builder()
                .module(module)
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      mesh.wrap(new OkHttpClient()).newCall(get("http://orders/")).execute().close();
      String endpoint = backends.endpoints();
      assertThat(seen).containsExactly("call null orders", "attempt 1 " + endpoint + " 127.0.0.1");
    }
  }

  @Test
  void endpointFilterDecidesWhoTakesTrafficAndRefreshAppliesANewVerdict() throws Exception {
    Set<Integer> ejectedPorts = ConcurrentHashMap.newKeySet();
    TestModule module = new TestModule();
    module.filters.add(
        (service, discovered) ->
            discovered.stream().filter(e -> !ejectedPorts.contains(e.port())).collect(Collectors.toList()));
    try (Backends backends = Backends.naming(2);
        MeshClient mesh =
            TestMesh.builder()
                .module(module)
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .property("mesh.services.orders.lb", "round-robin")
                .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      int first = backends.servers.get(0).getPort();
      ejectedPorts.add(first);
      module.context.get().refreshEndpoints("orders");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                for (int i = 0; i < 6; i++) {
                  try (Response r = http.newCall(get("http://orders/")).execute()) {
                    assertThat(r.body().string()).isNotEqualTo("port=" + first);
                  }
                }
              });
      io.mesh4j.discovery.DiscoveryStatus status = mesh.discoveryStatus("orders").orElseThrow();
      assertThat(status.discovered()).hasSize(2);
      assertThat(status.eligible()).extracting(Endpoint::port).doesNotContain(first).hasSize(1);
      assertThat(status.lastError()).isNull();
      assertThat(status.lastUpdateNanos()).isNotNegative();
      assertThat(mesh.discoveryStatus("nope")).isEmpty();
      ejectedPorts.clear();
      module.context.get().refreshEndpoints("orders");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                try (Response r = http.newCall(get("http://orders/")).execute()) {
                  return r.body().string().equals("port=" + first);
                }
              });
    }
  }

  @Test
  void modulesFindEachOtherOnceEverythingStartedAndStagesSeeThePolicyName() throws Exception {
    final class Provider implements MeshExtension {}
    final class Consumer implements MeshExtension {
      final AtomicReference<Object> found = new AtomicReference<>();
      MeshContext context;

      @Override
      public void started() {
        found.set(context.extension(Provider.class).orElse(null));
      }
    }
    Consumer consumer = new Consumer();
    Provider provider = new Provider();
    List<String> policies = new CopyOnWriteArrayList<>();
    TestModule consuming =
        new TestModule() {
          @Override
          public MeshExtension create(MeshContext ctx) {
            consumer.context = ctx;
            return consumer;
          }
        };
    MeshModule providing =
        new MeshModule() {
          @Override
          public String name() {
            return "provider";
          }

          @Override
          public String artifactId() {
            return "mesh-provider-module";
          }

          @Override
          public MeshExtension create(MeshContext ctx) {
            return provider;
          }
        };
    TestModule observing = new TestModule();
    observing.stages.add(
        stage(
            MeshStage.Kind.CALL,
            1,
            chain -> {
              policies.add(chain.call().loadBalancer());
              return chain.proceed(chain.request());
            }));
    try (Backends backends = Backends.naming(1);
        MeshClient mesh =
            TestMesh.builder()
                .module(consuming) // created before the module it looks for
                .module(providing)
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      assertThat(consumer.found.get()).isSameAs(provider);
      assertThat(mesh.extension(Provider.class)).containsSame(provider);
    }
    try (Backends backends = Backends.naming(1);
        MeshClient mesh =
            TestMesh.builder()
                .module(observing)
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      mesh.wrap(new OkHttpClient()).newCall(get("http://orders/")).execute().close();
      assertThat(policies).containsExactly("peak-ewma");
    }
  }

  @Test
  void completionActionsRunOnceWhenTheBodyIsClosedOrTheRequestFails() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    TestModule module = new TestModule();
    module.stages.add(
        stage(
            MeshStage.Kind.CALL,
            100,
            chain -> {
              chain.call().whenComplete(() -> events.add("done " + chain.request().url().encodedPath()));
              return chain.proceed(chain.request());
            }));
    try (Backends backends = Backends.naming(1);
        MeshClient mesh =
            TestMesh.builder()
                .module(module)
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .property("mesh.services.broken.endpoints", "127.0.0.1:1")
                .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      Response response = http.newCall(get("http://orders/read")).execute();
      assertThat(events).isEmpty(); // headers are in, the body is still the caller's
      response.body().string();
      response.close();
      assertThat(events).containsExactly("done /read");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> http.newCall(get("http://broken/fail")).execute())
          .isInstanceOf(IOException.class);
      assertThat(events).containsExactly("done /read", "done /fail");
    }
  }

  @Test
  void closeEndsHeldResponsesForModulesAtOnceAndTheirBodiesFailAsClosed() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    TestModule module = new TestModule();
    module.stages.add(
        stage(
            MeshStage.Kind.CALL,
            100,
            chain -> {
              chain.call().whenComplete(() -> events.add("released"));
              return chain.proceed(chain.request());
            }));
    MockResponse slowBody =
        new MockResponse.Builder().body("0123456789").throttleBody(1, 500, TimeUnit.MILLISECONDS).build();
    try (Backends backends = Backends.answering(1, slowBody)) {
      MeshClient mesh =
          TestMesh.builder()
              .module(module)
              .property("mesh.services.orders.endpoints", backends.endpoints())
              .build();
      Response held = mesh.wrap(new OkHttpClient()).newCall(get("http://orders/")).execute();
      assertThat(events).isEmpty();
      mesh.close();
      assertThat(events).containsExactly("released"); // not left until the caller closes the body
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> held.body().string())
          .isInstanceOf(MeshClosedException.class)
          .hasMessageContaining("in flight");
      held.close();
      assertThat(events).containsExactly("released"); // once
    }
  }

  @Test
  void moduleNetworkInterceptorsRunForMeshAttemptsOnly() throws Exception {
    List<String> tagged = new CopyOnWriteArrayList<>();
    TestModule module = new TestModule();
    module.networkInterceptors.add(
        chain -> {
          MeshAttempt attempt = chain.request().tag(MeshAttempt.class);
          tagged.add(attempt.service() + " via connection " + (chain.connection() != null));
          return chain.proceed(chain.request());
        });
    try (Backends backends = Backends.naming(1);
        MeshClient mesh =
            TestMesh.builder()
                .module(module)
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      http.newCall(get("http://orders/")).execute().close();
      http.newCall(get("http://127.0.0.1:" + backends.servers.get(0).getPort() + "/direct")).execute().close();
      assertThat(tagged).containsExactly("orders via connection true");
    }
  }

  @Test
  void twoStagesOfOneKindWithTheSameOrderRefuseToStart() {
    TestModule module = new TestModule();
    module.stages.add(stage(MeshStage.Kind.ATTEMPT, 100, chain -> chain.proceed(chain.request())));
    module.stages.add(stage(MeshStage.Kind.ATTEMPT, 100, chain -> chain.proceed(chain.request())));
    module.stages.add(stage(MeshStage.Kind.CALL, 100, chain -> chain.proceed(chain.request())));

    assertThatThrownBy(() -> TestMesh.builder().module(module)
            .property("mesh.services.orders.endpoints", "127.0.0.1:1").build())
        .isInstanceOf(io.mesh4j.MeshException.class)
        .hasMessageContaining("both have ATTEMPT order 100")
        .hasMessageContaining("io.mesh4j.pipeline.StageOrder");
  }

  @Test
  void aStageBringsTheOneDeadlineForwardAndTheCallFailsWithMeshTimeoutException() throws Exception {
    try (MockWebServer slow = new MockWebServer()) {
      slow.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest r) {
          return new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build();
        }
      });
      slow.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      TestModule module = new TestModule();
      java.util.concurrent.atomic.AtomicLong remainingBefore = new java.util.concurrent.atomic.AtomicLong();
      module.stages.add(stage(MeshStage.Kind.CALL, 120, chain -> {
        remainingBefore.set(chain.call().remainingNanos());
        chain.call().limitDeadline(Duration.ofMillis(150), "the caller's deadline (x-test)");
        chain.call().limitDeadline(Duration.ofSeconds(30), "a later one, ignored");
        return chain.proceed(chain.request());
      }));
      try (MeshClient mesh = TestMesh.builder().module(module)
          .property("mesh.services.orders.endpoints", "127.0.0.1:" + slow.getPort())
          .property("mesh.services.orders.timeout", "10s")
          .build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());

        assertThatThrownBy(() -> http.newCall(get("http://orders/")).execute())
            .isInstanceOf(io.mesh4j.MeshTimeoutException.class)
            .hasMessageContaining("'orders' exceeded the caller's deadline (x-test) of 150ms");
        assertThat(remainingBefore.get()).isBetween(Duration.ofSeconds(9).toNanos(), Duration.ofSeconds(10).toNanos());
      }
    }
  }

  @Test
  void aDeadlineAlreadyPassedFailsTheCallBeforeAnyAttempt() throws Exception {
    try (Backends backends = Backends.naming(1)) {
      TestModule module = new TestModule();
      module.stages.add(stage(MeshStage.Kind.CALL, 120, chain -> {
        chain.call().limitDeadline(Duration.ZERO, "the caller's deadline (x-test)");
        return chain.proceed(chain.request());
      }));
      try (MeshClient mesh = TestMesh.builder().module(module)
          .property("mesh.services.orders.endpoints", backends.endpoints()).build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());

        assertThatThrownBy(() -> http.newCall(get("http://orders/")).execute())
            .isInstanceOf(io.mesh4j.MeshTimeoutException.class)
            .hasMessageContaining("exceeded the caller's deadline (x-test)");
        assertThat(backends.servers.get(0).getRequestCount()).isZero();
      }
    }
  }

  /** Records the per-service calls a module gets, in order. */
  private static final class LifecycleModule implements MeshModule {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile String refuse;

    @Override
    public String name() {
      return "lifecycle";
    }

    @Override
    public String artifactId() {
      return "mesh-lifecycle-test";
    }

    @Override
    public MeshExtension create(MeshContext ctx) {
      return new MeshExtension() {
        @Override
        public void onServiceAdded(io.mesh4j.config.ServiceConfig service) {
          if (service.name().equals(refuse)) {
            throw new IllegalStateException("cannot serve " + service.name());
          }
          calls.add("added " + service.name());
        }

        @Override
        public void onServiceUpdated(io.mesh4j.config.ServiceConfig previous, io.mesh4j.config.ServiceConfig current) {
          calls.add("updated " + current.name() + " " + previous.changedKeys(current));
        }

        @Override
        public void onServiceRemoved(io.mesh4j.config.ServiceConfig last) {
          calls.add("removed " + last.name());
        }

        @Override
        public void started() {
          calls.add("started");
        }
      };
    }
  }

  @Test
  void modulesFollowServicesAddedUpdatedAndRemoved() throws Exception {
    LifecycleModule module = new LifecycleModule();
    try (MeshClient mesh = TestMesh.builder().module(module)
        .property("mesh.services.orders.endpoints", "127.0.0.1:1")
        .property("mesh.services.payments.endpoints", "127.0.0.1:2")
        .build()) {
      assertThat(module.calls).containsExactly("added orders", "added payments", "started");
      module.calls.clear();

      mesh.apply(mesh.configLoader().source(io.mesh4j.config.PropertySource.fromMap(Map.of(
          "mesh.service", "frontend",
          "mesh.services.orders.endpoints", "127.0.0.1:1",
          "mesh.services.orders.timeout", "2s",
          "mesh.services.users.endpoints", "127.0.0.1:3"), "test")).load());

      assertThat(module.calls).containsExactlyInAnyOrder("removed payments", "updated orders [timeout]", "added users");
      assertThat(mesh.config().services()).containsOnlyKeys("orders", "users");
    }
  }

  @Test
  void aModuleRefusingAnAddedServiceRefusesTheWholeChange() throws Exception {
    LifecycleModule module = new LifecycleModule();
    try (Backends backends = Backends.naming(1);
        MeshClient mesh = TestMesh.builder().module(module)
            .property("mesh.services.orders.endpoints", backends.endpoints()).build()) {
      module.refuse = "users";
      module.calls.clear();
      io.mesh4j.config.MeshConfig next = mesh.configLoader().source(io.mesh4j.config.PropertySource.fromMap(Map.of(
          "mesh.service", "frontend",
          "mesh.services.orders.endpoints", backends.endpoints(),
          "mesh.services.orders.timeout", "2s",
          "mesh.services.payments.endpoints", "127.0.0.1:2",
          "mesh.services.users.endpoints", "127.0.0.1:3"), "test")).load();

      assertThatThrownBy(() -> mesh.apply(next))
          .isInstanceOf(io.mesh4j.config.MeshConfigException.class)
          .hasMessageContaining("mesh.services.users")
          .hasMessageContaining("cannot serve users");

      // payments was added to the module before users failed: it is taken back, nothing else changed
      assertThat(module.calls).containsExactly("added payments", "removed payments");
      assertThat(mesh.config().services()).containsOnlyKeys("orders");
      assertThat(mesh.configStatus().version()).isEqualTo(1);
      assertThat(mesh.configStatus().lastRejection()).isPresent();
      try (Response r = mesh.wrap(new OkHttpClient()).newCall(get("http://orders/")).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
    }
  }
}
