package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.ServiceAttributes;
import io.mesh4j.internal.runtime.MeshRuntime;
import io.mesh4j.internal.runtime.RouteSnapshot;
import io.mesh4j.internal.runtime.ServiceRoute;
import io.mesh4j.routing.RouteDecision;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request that waits for its service's first discovery answer: the wait ends at the request's
 * timeout or cancel(), a request whose deadline passed meanwhile is never sent, and an answer is
 * seen only together with the snapshot it brought.
 */
class DiscoveryWaitTest {

  private final TestDiscovery fake = new TestDiscovery("fake");
  private MeshClient mesh;
  private OkHttpClient http;
  private CountingBackend v1;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
    if (v1 != null) {
      v1.close();
    }
  }

  private void start(String... extraLines) throws Exception {
    MeshClient.Builder b = TestMesh.builder().discoveryProvider(fake).property("mesh.config.watch", "false")
        .property("mesh.services.orders-v1.discovery", "fake");
    for (String line : extraLines) {
      int eq = line.indexOf('=');
      b.property(line.substring(0, eq), line.substring(eq + 1));
    }
    mesh = b.build();
    http = mesh.wrap(new OkHttpClient());
    v1 = new CountingBackend("v1");
  }

  private CompletableFuture<String> enqueue(Call call) {
    CompletableFuture<String> body = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        body.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call c, Response response) throws IOException {
        try (response) {
          body.complete(response.body().string());
        }
      }
    });
    return body;
  }

  private Call newCall(String url) {
    return http.newCall(new Request.Builder().url(url).build());
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS); // far below the initial-wait: a wait that ignores the timeout fails here
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the request succeeded");
  }

  @Test
  void aTimeoutShorterThanInitialWaitEndsTheWaitWithATimeout() throws Exception {
    start("mesh.services.orders-v1.timeout=200ms", "mesh.services.orders-v1.discovery.initial-wait=60s");

    Throwable failure = failureOf(enqueue(newCall("http://orders-v1/x")));

    assertThat(failure).isInstanceOf(MeshTimeoutException.class)
        .hasMessageContaining("orders-v1").hasMessageContaining("200ms");
  }

  @Test
  void aRequestWhoseTimeoutRanOutWhileWaitingIsNeverSent() throws Exception {
    start("mesh.services.orders-v1.timeout=100ms", "mesh.services.orders-v1.discovery.initial-wait=60s");

    Throwable failure = failureOf(enqueue(newCall("http://orders-v1/late")));
    fake.setEndpoints("orders-v1", List.of(v1.endpoint()));

    assertThat(failure).isInstanceOf(MeshTimeoutException.class);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> !mesh.discoveryStatus("orders-v1").orElseThrow().discovered().isEmpty());
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> v1.received.get() == 0);
  }

  @Test
  void cancelWhileWaitingEndsTheCall() throws Exception {
    start("mesh.services.orders-v1.discovery.initial-wait=60s");
    Call call = newCall("http://orders-v1/x");
    CompletableFuture<String> result = enqueue(call);
    await().atMost(Duration.ofSeconds(5)).until(() -> http.dispatcher().runningCallsCount() == 1);

    call.cancel();

    assertThat(failureOf(result)).isInstanceOf(IOException.class).hasMessageContaining("Canceled");
    fake.setEndpoints("orders-v1", List.of(v1.endpoint()));
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> v1.received.get() == 0);
  }

  /** The race at the first answer: "answered" must never be seen with the snapshot from before it. */
  @Test
  void anAnsweredServiceShowsTheSnapshotOfItsAnswer() throws Exception {
    RouteDecision toV1 = RouteDecision.to("orders-v1");
    AtomicInteger violations = new AtomicInteger();
    for (int round = 0; round < 200 && violations.get() == 0; round++) {
      TestDiscovery discovery = new TestDiscovery("fake");
      try (MeshClient client = TestMesh.builder().discoveryProvider(discovery).property("mesh.config.watch", "false")
          .property("mesh.services.orders.discovery", "fake").build()) {
        ServiceRoute route = runtimeOf(client).route("orders");
        Thread reader = new Thread(() -> {
          while (true) {
            boolean answered = route.hasAnswered(); // the order requests read them in
            RouteSnapshot snapshot = route.current();
            if (answered) {
              if (snapshot.router() == null) {
                violations.incrementAndGet();
              }
              return;
            }
          }
        });
        reader.start();
        discovery.setUpdate("orders", new DiscoveryUpdate(List.of(),
            ServiceAttributes.builder().set(ServiceAttributes.REQUEST_ROUTER, r -> toV1).build()));
        reader.join(10_000);
        assertThat(reader.isAlive()).isFalse();
      }
    }
    assertThat(violations).hasValue(0);
  }

  private static MeshRuntime runtimeOf(MeshClient client) throws ReflectiveOperationException {
    java.lang.reflect.Field f = MeshClient.class.getDeclaredField("runtime");
    f.setAccessible(true);
    return (MeshRuntime) f.get(client);
  }
}
