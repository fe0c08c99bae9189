package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.PropertySource;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.config.ValueParsers;
import io.mesh4j.discovery.DiscoveryBackend;
import io.mesh4j.discovery.DiscoveryBackendContext;
import io.mesh4j.discovery.DiscoveryProvider;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerProvider;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.PickResult;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Changes that meet providers, policies and requests at awkward moments: provider and policy code
 * calling back from their own threads while a change runs, a policy that cannot start, a request
 * waiting for a service that goes away, a name removed and added back under load.
 */
class RouteRobustnessTest {

  private static MeshClient.Builder builder() {
    return MeshClient.builder().service("frontend").environment(Map.of()).systemProperties(new Properties());
  }

  private static MeshConfig config(MeshClient mesh, Map<String, String> properties) {
    return mesh.configLoader().source(PropertySource.fromMap(properties, "test")).load();
  }

  static final ConfigKey<String> TAG = ConfigKey.service("busy.tag", ValueParsers.nonEmpty()).defaultValue("a").build();

  /** One thread per watch that pushes an answer every millisecond; closing the watch joins it. */
  static final class BusyProvider implements DiscoveryProvider {
    @Override
    public String name() {
      return "busy";
    }

    @Override
    public List<ConfigKey<?>> serviceKeys() {
      return List.of(TAG);
    }

    @Override
    public DiscoveryBackend open(DiscoveryBackendContext context) {
      return service -> {
        AtomicBoolean stop = new AtomicBoolean();
        Thread pusher = new Thread(() -> {
          while (!stop.get()) {
            service.listener().onEndpoints(List.of(Endpoint.of("127.0.0.1", 1)));
            // a watch that hears a change every millisecond
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          }
        }, "busy-watch-" + service.config().get(TAG));
        pusher.setDaemon(true);
        pusher.start();
        return () -> {
          stop.set(true);
          try {
            pusher.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
      };
    }
  }

  @Test
  void aWatchWhoseCloseJoinsItsPushingThreadDoesNotBlockAChange() {
    MeshClient mesh = builder().discoveryProvider(new BusyProvider())
        .property("mesh.services.orders.discovery", "busy").build();
    await().atMost(Duration.ofSeconds(5)).until(() -> !mesh.discoveryStatus("orders").orElseThrow().discovered().isEmpty());

    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> mesh.apply(config(mesh, Map.of("mesh.service", "frontend",
        "mesh.services.orders.discovery", "busy", "mesh.services.orders.busy.tag", "b"))));
    assertTimeoutPreemptively(Duration.ofSeconds(10), mesh::close);
  }

  /** Publishes its first picker from the scheduler while holding its own lock, which update() needs too. */
  static final class LockedAsyncPolicy implements LoadBalancerProvider {
    final CountDownLatch secondUpdateStarted = new CountDownLatch(1);
    final AtomicInteger updates = new AtomicInteger();

    @Override
    public String name() {
      return "locked-async";
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
      Object lock = new Object();
      return update -> {
        if (updates.incrementAndGet() == 1) {
          context.scheduler().execute(() -> {
            synchronized (lock) {
              try {
                // hold the lock until the next update() is blocked on it
                secondUpdateStarted.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                return;
              }
              Endpoint first = update.endpoints().get(0);
              context.updatePicker(r -> PickResult.of(first));
            }
          });
          return;
        }
        secondUpdateStarted.countDown();
        synchronized (lock) {
          Endpoint first = update.endpoints().get(0);
          context.updatePicker(r -> PickResult.of(first));
        }
      };
    }
  }

  @Test
  void aPolicyPublishingFromItsTimerUnderItsOwnLockDoesNotDeadlockAnUpdate() {
    LockedAsyncPolicy policy = new LockedAsyncPolicy();
    MeshClient mesh = builder().loadBalancer(policy)
        .property("mesh.services.orders.endpoints", "127.0.0.1:1")
        .property("mesh.services.orders.lb", "locked-async").build();

    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> mesh.apply(config(mesh, Map.of("mesh.service", "frontend",
        "mesh.services.orders.endpoints", "127.0.0.1:2", "mesh.services.orders.lb", "locked-async"))));
    assertThat(policy.updates.get()).isGreaterThanOrEqualTo(2);
    assertTimeoutPreemptively(Duration.ofSeconds(10), mesh::close);
  }

  /** Publishes its first picker a little later, from the scheduler. */
  static final class LatePolicy implements LoadBalancerProvider {
    @Override
    public String name() {
      return "late";
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
      return update -> {
        Endpoint first = update.endpoints().get(0);
        context.scheduler().schedule(() -> context.updatePicker(r -> PickResult.of(first)), 200, TimeUnit.MILLISECONDS);
      };
    }
  }

  @Test
  void aRequestWaitsForAPolicyThatPublishesItsFirstPickerLater() throws IOException {
    try (Backends backends = Backends.naming(1);
        MeshClient mesh = builder().loadBalancer(new LatePolicy())
            .property("mesh.services.orders.endpoints", backends.endpoints())
            .property("mesh.services.orders.lb", "late").build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());

      try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
    }
  }

  static final class BrokenPolicy implements LoadBalancerProvider {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancerContext context) {
      throw new IllegalStateException("broken policy cannot start");
    }
  }

  /** Records the per-service calls it gets. */
  static final class RecordingModule implements MeshModule {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public String artifactId() {
      return "mesh-recording-test";
    }

    @Override
    public MeshExtension create(MeshContext context) {
      return new MeshExtension() {
        @Override
        public void onServiceAdded(ServiceConfig service) {
          calls.add("added " + service.name());
        }

        @Override
        public void onServiceUpdated(ServiceConfig previous, ServiceConfig current) {
          calls.add("updated " + current.name());
        }

        @Override
        public void onServiceRemoved(ServiceConfig last) {
          calls.add("removed " + last.name());
        }
      };
    }
  }

  @Test
  void aPolicyThatCannotStartRefusesTheWholeChangeAndNothingOfItApplies() throws IOException {
    RecordingModule module = new RecordingModule();
    List<String> lookups = new CopyOnWriteArrayList<>();
    try (Backends backends = Backends.naming(1);
        MeshClient mesh = builder().loadBalancer(new BrokenPolicy()).module(module)
            .property("mesh.services.orders.endpoints", backends.endpoints())
            .property("mesh.services.payments.endpoints", backends.endpoints()).build()) {
      module.calls.clear();
      MeshConfig next = config(mesh, Map.of("mesh.service", "frontend",
          "mesh.services.orders.endpoints", backends.endpoints(), "mesh.services.orders.lb", "broken",
          "mesh.services.inventory.endpoints", backends.endpoints()));

      assertThatThrownBy(() -> mesh.apply(next))
          .isInstanceOf(MeshConfigException.class)
          .hasMessageContaining("mesh.services.orders.lb")
          .hasMessageContaining("broken policy cannot start");

      assertThat(mesh.config().services()).containsOnlyKeys("orders", "payments");
      assertThat(mesh.configStatus().version()).isEqualTo(1);
      assertThat(mesh.configStatus().lastRejection()).isPresent();
      assertThat(module.calls).isEmpty();
      OkHttpClient http = mesh.wrap(new OkHttpClient.Builder().dns(host -> {
        lookups.add(host);
        throw new UnknownHostException(host);
      }).build());
      for (String service : List.of("orders", "payments")) {
        try (Response r = http.newCall(new Request.Builder().url("http://" + service + "/").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
      }
      assertThat(lookups).isEmpty();
    }
  }

  /** Never answers. */
  static final class SilentProvider implements DiscoveryProvider {
    @Override
    public String name() {
      return "silent";
    }

    @Override
    public DiscoveryBackend open(DiscoveryBackendContext context) {
      return service -> () -> {};
    }
  }

  /**
   * Calls {@code http://orders/} on a thread of its own and returns once that call waits for
   * discovery's first answer; the future completes with what the call threw, or null.
   */
  private static CompletableFuture<Throwable> callWaitingForDiscovery(OkHttpClient http) {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
        outcome.complete(null);
      } catch (Throwable t) {
        outcome.complete(t);
      }
    });
    caller.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
    return outcome;
  }

  /** Answers each watch with an error, from a thread of its own, once the test says so. */
  static final class FailOnSignalProvider implements DiscoveryProvider {
    final CountDownLatch go = new CountDownLatch(1);

    @Override
    public String name() {
      return "fail-on-signal";
    }

    @Override
    public DiscoveryBackend open(DiscoveryBackendContext context) {
      return service -> {
        Thread t = new Thread(() -> {
          try {
            go.await();
            service.listener().onError(new IOException("backend down"));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        t.start();
        return t::interrupt;
      };
    }
  }

  @Test
  void aRequestFailedByDiscoverysFirstAnswerFindsThatErrorInTheServicesStatus() throws Exception {
    for (int i = 0; i < 20; i++) { // the status used to be published just after the waiters went on
      FailOnSignalProvider provider = new FailOnSignalProvider();
      try (MeshClient mesh = builder().discoveryProvider(provider)
          .property("mesh.services.orders.discovery", "fail-on-signal")
          .property("mesh.services.orders.discovery.initial-wait", "30s").build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        CompletableFuture<Throwable> outcome = callWaitingForDiscovery(http);

        provider.go.countDown();

        assertThat(outcome.get(5, TimeUnit.SECONDS)).hasStackTraceContaining("backend down");
        assertThat(mesh.discoveryStatus("orders").orElseThrow().lastError()).hasMessage("backend down");
        http.dispatcher().executorService().shutdown();
      }
    }
  }

  @Test
  void aRequestWaitingForDiscoveryOfAServiceThatIsRemovedFailsClosedAtOnce() throws Exception {
    try (MeshClient mesh = builder().discoveryProvider(new SilentProvider())
        .property("mesh.services.orders.discovery", "silent")
        .property("mesh.services.orders.discovery.initial-wait", "30s")
        .property("mesh.services.other.endpoints", "127.0.0.1:1").build()) {
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      CompletableFuture<Throwable> outcome = callWaitingForDiscovery(http);

      mesh.apply(config(mesh, Map.of("mesh.service", "frontend", "mesh.services.other.endpoints", "127.0.0.1:1")));

      assertThat(outcome.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ServiceRemovedException.class)
          .hasMessageContaining("'orders'");
    }
  }

  @Test
  void aServiceRemovedAndAddedBackUnderLoadIsNeverLookedUpInDns() throws Exception {
    try (Backends backends = Backends.naming(1)) {
      String endpoints = backends.endpoints();
      MeshClient mesh = builder().property("mesh.services.orders.endpoints", endpoints)
          .property("mesh.services.other.endpoints", endpoints).build();
      AtomicInteger lookups = new AtomicInteger();
      OkHttpClient http = mesh.wrap(new OkHttpClient.Builder().dns(host -> {
        lookups.incrementAndGet();
        throw new UnknownHostException(host);
      }).build());
      MeshConfig with = config(mesh, Map.of("mesh.service", "frontend", "mesh.services.orders.endpoints", endpoints,
          "mesh.services.other.endpoints", endpoints));
      MeshConfig without = config(mesh, Map.of("mesh.service", "frontend", "mesh.services.other.endpoints", endpoints));
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> callers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t = new Thread(() -> {
          while (running.get()) {
            try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
              r.body().string();
            } catch (ServiceRemovedException expected) {
              // while removed
            } catch (IOException e) {
              // only a lookup (counted) could fail otherwise
            }
          }
        });
        t.start();
        callers.add(t);
      }
      try {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < end) {
          mesh.apply(without);
          mesh.apply(with);
        }
      } finally {
        running.set(false);
        for (Thread t : callers) {
          t.join();
        }
        mesh.close();
      }
      assertThat(lookups).as("requests sent unmeshed through DNS").hasValue(0);
    }
  }
}
