package io.mesh4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/** A real web app whose RestClient, RestTemplate and OkHttpClient beans reach real backends through the mesh. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = TestApp.class)
class MeshStarterWebTest {

  static Backend orders1;
  static Backend orders2;
  static Backend outside;

  @BeforeAll
  static void startBackends() throws IOException {
    orders1 = Backend.start("orders-1");
    orders2 = Backend.start("orders-2");
    outside = Backend.start("outside");
  }

  @AfterAll
  static void stopBackends() {
    orders1.close();
    orders2.close();
    outside.close();
  }

  @DynamicPropertySource
  static void mesh(DynamicPropertyRegistry registry) {
    registry.add("mesh.service", () -> "frontend");
    registry.add("mesh.tls.mode", () -> "disabled");
    registry.add("mesh.services.orders.endpoints", () -> orders1.address() + "," + orders2.address());
    registry.add("mesh.services.orders.lb", () -> "round-robin");
  }

  @LocalServerPort int port;
  @Autowired RestClient.Builder restClientBuilder;
  @Autowired RestTemplateBuilder restTemplateBuilder;
  @Autowired OkHttpClient okHttpClient;
  @Autowired MeshClient mesh;

  private int ordersRequests() {
    return orders1.requests() + orders2.requests();
  }

  @Test
  void restClientFromTheBuilderReachesBothOrdersBackendsByServiceName() {
    int before1 = orders1.requests();
    int before2 = orders2.requests();
    RestClient client = restClientBuilder.build();
    for (int i = 0; i < 4; i++) {
      String body = client.get().uri("http://orders/items/{i}", i).retrieve().body(String.class);
      assertThat(body).matches("orders-[12] GET /items/" + i);
    }
    assertThat(orders1.requests() - before1).isEqualTo(2);
    assertThat(orders2.requests() - before2).isEqualTo(2);
    assertThat(orders1.seen().get(orders1.seen().size() - 1).host()).isEqualTo("orders");
  }

  @Test
  void restTemplateFromTheBuilderPostsABodyToOrders() {
    int before = ordersRequests();
    String answer = restTemplateBuilder.build().postForObject("http://orders/orders", "{\"item\":42}", String.class);
    assertThat(answer).matches("orders-[12] POST /orders");
    assertThat(ordersRequests() - before).isEqualTo(1);
    Backend.Seen last = lastOf("POST");
    assertThat(last.body()).isEqualTo("{\"item\":42}");
    assertThat(last.host()).isEqualTo("orders");
  }

  @Test
  void aRestClientCallAnsweredWith503IsRetriedByTheMeshOnTheOtherBackend() {
    orders1.failNext(1);
    orders2.failNext(1);
    int before = ordersRequests();
    // round-robin: one backend answers 503, the mesh retries on the other (retry.on has 503), which
    // also fails once: two attempts, the default max, both 503, so the caller sees the 503 ...
    assertThatThrownBy(() -> restClientBuilder.build().get().uri("http://orders/flaky").retrieve().body(String.class))
        .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);
    assertThat(ordersRequests() - before).isEqualTo(2);
    // ... and with only orders-1 failing, the call succeeds on orders-2 (at once or on the retry)
    orders1.failNext(1);
    orders2.failNext(0);
    String body = restClientBuilder.build().get().uri("http://orders/flaky").retrieve().body(String.class);
    assertThat(body).isEqualTo("orders-2 GET /flaky");
    orders1.failNext(0); // when orders-2 was picked first, orders-1's failure is still pending
  }

  @Test
  void hostsOutsideTheMeshStillWorkThroughTheSameClients() {
    String url = "http://" + outside.address() + "/plain";
    assertThat(restClientBuilder.build().get().uri(url).retrieve().body(String.class)).isEqualTo("outside GET /plain");
    assertThat(restTemplateBuilder.build().getForObject(url, String.class)).isEqualTo("outside GET /plain");
    assertThat(outside.requests()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void theOkHttpClientBeanIsMeshWrapped() throws IOException {
    int before = ordersRequests();
    try (Response r = okHttpClient.newCall(new Request.Builder().url("http://orders/ok").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).matches("orders-[12] GET /ok");
    }
    assertThat(ordersRequests() - before).isEqualTo(1);
  }

  @Test
  void theAppsControllerCallsOrdersThroughTheMeshEndToEnd() throws Exception {
    int before = ordersRequests();
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/front/items/7")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).matches("front got: orders-[12] GET /items/7");
    assertThat(ordersRequests() - before).isEqualTo(1);
  }

  @Test
  void theMeshClientRunsWithTheKeysOfTheSpringEnvironment() {
    assertThat(mesh.config().service()).isEqualTo("frontend");
    assertThat(mesh.config().services()).containsOnlyKeys("orders");
  }

  @Test
  void aGetWithABodyFailsInsteadOfBeingSentWithoutItsBody() {
    int before = ordersRequests();
    assertThatThrownBy(() -> restClientBuilder.build().method(HttpMethod.GET).uri("http://orders/items/1")
            .body("get-body").retrieve().toBodilessEntity())
        .isInstanceOf(ResourceAccessException.class)
        .cause().isInstanceOf(IOException.class)
        .hasMessageContaining("OkHttp cannot send a request body with GET");
    assertThatThrownBy(() -> restClientBuilder.build().method(HttpMethod.HEAD).uri("http://orders/items/1")
            .body("head-body").retrieve().toBodilessEntity())
        .cause().isInstanceOf(IOException.class)
        .hasMessageContaining("OkHttp cannot send a request body with HEAD");
    assertThat(ordersRequests()).isEqualTo(before);
  }

  @Test
  void anInvalidHeaderValueFailsAsAnIoErrorNamingTheHeader() {
    int before = ordersRequests();
    for (String bad : new String[] {"caf\u00e9", "a\nInjected: yes"}) {
      assertThatThrownBy(() -> restClientBuilder.build().get().uri("http://orders/items/1")
              .header("X-Bad", bad).retrieve().toBodilessEntity())
          .isInstanceOf(ResourceAccessException.class)
          .cause().isInstanceOf(IOException.class)
          .hasMessageContaining("invalid HTTP header 'X-Bad'")
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(ordersRequests()).isEqualTo(before);
  }

  private static Backend.Seen lastOf(String method) {
    return java.util.stream.Stream.concat(orders1.seen().stream(), orders2.seen().stream())
        .filter(s -> s.method().equals(method))
        .reduce((a, b) -> b)
        .orElseThrow();
  }
}
