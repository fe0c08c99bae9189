package io.mesh4j.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample app started with its application.yaml, called over HTTP, reaching both orders backends through the mesh. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

  static LocalOrders orders;

  @BeforeAll
  static void startOrders() {
    orders = LocalOrders.start(2);
  }

  @AfterAll
  static void stopOrders() {
    orders.close();
  }

  @DynamicPropertySource
  static void ordersEndpoints(DynamicPropertyRegistry registry) {
    registry.add("mesh.services.orders.endpoints", orders::endpoints);
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  @Test
  void ordersAreFetchedThroughTheMeshFromBothBackends() throws Exception {
    int before = orders.requests();
    Set<String> servedBy = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      JsonNode answer = get(port, "/orders/" + i);
      assertThat(answer.path("order").asText()).isEqualTo(String.valueOf(i));
      assertThat(answer.path("item").path("item").asText()).isEqualTo(String.valueOf(i));
      assertThat(answer.path("item").path("host").asText()).isEqualTo("orders");
      servedBy.add(answer.path("item").path("servedBy").asText());
    }
    assertThat(servedBy).containsExactlyInAnyOrder("orders-1", "orders-2");
    assertThat(orders.requests() - before).isEqualTo(4);
  }

  @Test
  void healthAndInfoShowTheMesh() throws Exception {
    JsonNode health = get(port, "/actuator/health");
    assertThat(health.path("components").path("mesh").path("details").path("services").path("orders").path("discovered").asInt())
        .isEqualTo(2);
    assertThat(get(port, "/actuator/info").path("mesh").path("service").asText()).isEqualTo("frontend");
  }

  @Test
  void theDocumentedStartPathRunsWithItsOwnLocalBackends() throws Exception {
    try (ConfigurableApplicationContext app = SampleApplication.start("--server.port=0")) {
      int appPort = ((WebServerApplicationContext) app).getWebServer().getPort();
      JsonNode answer = get(appPort, "/orders/42");
      assertThat(answer.path("item").path("servedBy").asText()).startsWith("orders-");
      assertThat(app.getBean(LocalOrders.class).requests()).isEqualTo(1);
    }
  }
}
