package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class MeshClientLifecycleTest {

  private static List<String> meshThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("mesh4j-"))
        .collect(Collectors.toList());
  }

  @Test
  void closeLeavesNoMeshThreadAlive() throws Exception {
    try (Backends backends = Backends.naming(3)) {
      MeshClient mesh =
          TestMesh.builder()
              .property("mesh.services.orders.endpoints", backends.endpoints())
              .property("mesh.services.orders.timeout", "5s")
              .build();
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 10; i++) {
        http.newCall(new Request.Builder().url("http://orders/").build()).execute().close();
      }
      assertThat(meshThreads()).isNotEmpty();
      mesh.close();
      await().atMost(Duration.ofSeconds(5)).until(() -> meshThreads().isEmpty());
    }
  }

  @Test
  void closeClosesEveryMeshConnection() throws Exception {
    try (KeepAliveServer backend = new KeepAliveServer()) {
      MeshClient mesh =
          TestMesh.builder()
              .property("mesh.services.orders.endpoints", "127.0.0.1:" + backend.port())
              .build();
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      for (int i = 0; i < 5; i++) {
        try (Response r = http.newCall(new Request.Builder().url("http://orders/").build()).execute()) {
          assertThat(r.body().string()).isEqualTo("ok");
        }
      }
      assertThat(backend.accepted).hasValue(1); // one pooled keep-alive connection, reused
      assertThat(backend.closedByClient).hasValue(0);
      mesh.close();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(backend.closedByClient).hasValue(1));
    }
  }

  @Test
  void meshRequestsAfterCloseFailButOtherHostsStillWork() throws Exception {
    try (Backends backends = Backends.naming(1)) {
      MeshClient mesh =
          TestMesh.builder().property("mesh.services.orders.endpoints", backends.endpoints()).build();
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      mesh.close();
      mesh.close(); // idempotent
      assertThat(mesh.isClosed()).isTrue();
      assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://orders/").build()).execute())
          .isInstanceOf(MeshClosedException.class)
          .hasMessageContaining("'orders'");
      String direct = "http://127.0.0.1:" + backends.servers.get(0).getPort() + "/direct";
      try (Response r = http.newCall(new Request.Builder().url(direct).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      assertThatThrownBy(() -> mesh.wrap(new OkHttpClient()))
          .as("the same type as the calls")
          .isInstanceOf(MeshClosedException.class)
          .hasMessageContaining("'frontend' is closed");
    }
  }

  @Test
  void closeCancelsAnInFlightMeshRequest() throws Exception {
    try (MockWebServer slow = new MockWebServer()) {
      slow.enqueue(new MockResponse.Builder().code(200).headersDelay(10, TimeUnit.SECONDS).build());
      slow.start(InetAddress.getByName("127.0.0.1"), 0);
      MeshClient mesh =
          TestMesh.builder()
              .property("mesh.services.orders.endpoints", "127.0.0.1:" + slow.getPort())
              .build();
      OkHttpClient http = mesh.wrap(new OkHttpClient());
      java.util.concurrent.CompletableFuture<Throwable> failure = new java.util.concurrent.CompletableFuture<>();
      http.newCall(new Request.Builder().url("http://orders/").build())
          .enqueue(
              new okhttp3.Callback() {
                @Override
                public void onFailure(okhttp3.Call call, java.io.IOException e) {
                  failure.complete(e);
                }

                @Override
                public void onResponse(okhttp3.Call call, Response response) {
                  response.close();
                  failure.complete(null);
                }
              });
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.getRequestCount() == 1);
      mesh.close();
      assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(MeshClosedException.class);
    }
  }
}
