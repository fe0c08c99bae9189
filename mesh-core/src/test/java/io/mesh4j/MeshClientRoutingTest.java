package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class MeshClientRoutingTest {

  private final OkHttpClient plain = new OkHttpClient();

  private static Request get(String url) {
    return new Request.Builder().url(url).build();
  }

  @Test
  void spreadsRequestsToAServiceOverAllItsEndpointsByPolicy() throws Exception {
    try (Backends backends = Backends.naming(3);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .property("mesh.services.orders.lb", "round-robin")
                .build()) {
      OkHttpClient http = mesh.wrap(plain);
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        try (Response r = http.newCall(get("http://orders/items/" + i)).execute()) {
          assertThat(r.code()).isEqualTo(200);
          counts.merge(r.body().string(), 1, Integer::sum);
        }
      }
      assertThat(counts).hasSize(3).allSatisfy((port, n) -> assertThat(n).isEqualTo(10));
    }
  }

  @Test
  void consistentHashSendsTheSameKeyToTheSameEndpoint() throws Exception {
    try (Backends backends = Backends.naming(4);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .property("mesh.services.orders.lb", "ring-hash")
                .property("mesh.services.orders.lb.hash-header", "X-User")
                .build()) {
      OkHttpClient http = mesh.wrap(plain);
      java.util.Set<String> usedByAll = new java.util.HashSet<>();
      for (int user = 0; user < 20; user++) {
        java.util.Set<String> endpointsOfUser = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
          Request r = new Request.Builder().url("http://orders/cart").header("X-User", "user-" + user).build();
          try (Response response = http.newCall(r).execute()) {
            endpointsOfUser.add(response.body().string());
          }
        }
        assertThat(endpointsOfUser).hasSize(1);
        usedByAll.addAll(endpointsOfUser);
      }
      assertThat(usedByAll).hasSizeGreaterThan(1);
    }
  }

  @Test
  void backendSeesLogicalServiceNameAsHostAndOriginalPath() throws Exception {
    try (Backends backends = Backends.naming(1);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      OkHttpClient http = mesh.wrap(plain);
      try (Response r = http.newCall(get("http://orders/items/42?x=1")).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      RecordedRequest seen = backends.servers.get(0).takeRequest(5, TimeUnit.SECONDS);
      assertThat(seen.getHeaders().get("Host")).isEqualTo("orders");
      assertThat(seen.getTarget()).isEqualTo("/items/42?x=1");
    }
  }

  @Test
  void callerSetHostHeaderIsRespected() throws Exception {
    try (Backends backends = Backends.naming(1);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      OkHttpClient http = mesh.wrap(plain);
      Request request =
          new Request.Builder().url("http://orders/x").header("Host", "orders.internal").build();
      http.newCall(request).execute().close();
      assertThat(backends.servers.get(0).takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Host"))
          .isEqualTo("orders.internal");
    }
  }

  @Test
  void serviceWithNoEndpointsFailsEachRequestNamingTheService() throws Exception {
    try (MeshClient mesh =
        TestMesh.builder().property("mesh.services.orders.discovery", "static").build()) {
      OkHttpClient http = mesh.wrap(plain);
      assertThatThrownBy(() -> http.newCall(get("http://orders/x")).execute())
          .isInstanceOf(NoHealthyEndpointException.class)
          .hasMessageContaining("'orders'")
          .satisfies(e -> assertThat(((NoHealthyEndpointException) e).service()).isEqualTo("orders"));
    }
  }

  @Test
  void redirectFromAMeshServiceIsReturnedNotFollowed() throws Exception {
    MockResponse redirecting =
        new MockResponse.Builder()
                .code(302)
                .setHeader("Location", "http://payments/elsewhere")
                .build();
    try (Backends backends = Backends.answering(1, redirecting);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      try (Response r = mesh.wrap(plain).newCall(get("http://orders/x")).execute()) {
        assertThat(r.code()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("http://payments/elsewhere");
      }
      assertThat(backends.servers.get(0).getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void unavailableWithRetryAfterZeroIsNotRetriedByOkHttp() throws Exception {
    MockResponse unavailable = new MockResponse.Builder().code(503).setHeader("Retry-After", "0").build();
    try (Backends backends = Backends.answering(1, unavailable);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      try (Response r = mesh.wrap(plain).newCall(get("http://orders/x")).execute()) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("0");
      }
      assertThat(backends.servers.get(0).getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void requestTimeoutFailsWithTheServiceAndTheKeyNamed() throws Exception {
    MockResponse slow =
        new MockResponse.Builder()
                .code(200)
                .headersDelay(3, TimeUnit.SECONDS)
                .body("late")
                .build();
    try (Backends backends = Backends.answering(1, slow);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .property("mesh.services.orders.timeout", "200ms")
                .build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> mesh.wrap(plain).newCall(get("http://orders/x")).execute())
          .isInstanceOf(MeshTimeoutException.class)
          .hasMessageContaining("'orders'")
          .hasMessageContaining("mesh.services.orders.timeout");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2500);
    }
  }

  @Test
  void timeoutWhileReadingTheBodyIsAMeshTimeoutToo() throws Exception {
    // Headers at once, then the body trickles: the deadline covers the body as well.
    MockResponse trickle =
        new MockResponse.Builder()
            .code(200)
            .body("0123456789")
            .throttleBody(1, 200, TimeUnit.MILLISECONDS)
            .build();
    try (Backends backends = Backends.answering(1, trickle);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .property("mesh.services.orders.timeout", "500ms")
                .build()) {
      Response response = mesh.wrap(plain).newCall(get("http://orders/x")).execute();
      assertThat(response.code()).isEqualTo(200);
      assertThatThrownBy(() -> response.body().string())
          .isInstanceOf(MeshTimeoutException.class)
          .hasMessageContaining("mesh.services.orders.timeout");
      response.close();
    }
  }

  @Test
  void wrappedClientSharesTheCallersDispatcherAndPool() throws Exception {
    try (MeshClient mesh = TestMesh.builder().build()) {
      OkHttpClient wrapped = mesh.wrap(plain);
      assertThat(wrapped.dispatcher()).isSameAs(plain.dispatcher());
      assertThat(wrapped.connectionPool()).isSameAs(plain.connectionPool());
      assertThatThrownBy(() -> mesh.wrap(wrapped))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already wrapped");
    }
  }

  @Test
  void asyncCallsAreRoutedToo() throws Exception {
    try (Backends backends = Backends.naming(2);
        MeshClient mesh =
            TestMesh.builder()
                .property("mesh.services.orders.endpoints", backends.endpoints())
                .build()) {
      java.util.concurrent.CompletableFuture<Integer> code = new java.util.concurrent.CompletableFuture<>();
      mesh.wrap(plain)
          .newCall(get("http://orders/async"))
          .enqueue(
              new okhttp3.Callback() {
                @Override
                public void onFailure(okhttp3.Call call, IOException e) {
                  code.completeExceptionally(e);
                }

                @Override
                public void onResponse(okhttp3.Call call, Response response) {
                  try (response) {
                    code.complete(response.code());
                  }
                }
              });
      assertThat(code.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    }
  }
}
