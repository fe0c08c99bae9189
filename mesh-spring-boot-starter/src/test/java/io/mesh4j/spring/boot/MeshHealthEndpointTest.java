package io.mesh4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.mesh4j.MeshClient;
import io.mesh4j.spring.boot.internal.MeshHealthIndicator;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * /actuator/health and /actuator/info over HTTP, as a load balancer or an operator sees them, while
 * backends die: an optional service going down shows in the details only; a required one makes the
 * application DOWN (HTTP 503).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = TestApp.class,
    properties = {
      "management.endpoints.web.exposure.include=health,info",
      "management.endpoint.health.show-details=always",
      "mesh4j.spring.health.required-services=payments"
    })
@ExtendWith(OutputCaptureExtension.class)
class MeshHealthEndpointTest {

  @Autowired MeshClient meshClient;

  static Backend orders1;
  static Backend orders2;
  static Backend payments;

  @BeforeAll
  static void startBackends() throws IOException {
    orders1 = Backend.start("orders-1");
    orders2 = Backend.start("orders-2");
    payments = Backend.start("payments");
  }

  @AfterAll
  static void stopBackends() {
    orders1.close();
    orders2.close();
    payments.close();
  }

  @DynamicPropertySource
  static void mesh(DynamicPropertyRegistry registry) {
    registry.add("mesh.service", () -> "frontend");
    registry.add("mesh.tls.mode", () -> "disabled");
    registry.add("mesh.services.orders.endpoints", () -> orders1.address() + "," + orders2.address());
    registry.add("mesh.services.payments.endpoints", () -> payments.address());
    // probes every 300ms; one failed probe marks an endpoint unhealthy (a slow first probe on a
    // busy machine may too, so the first state is awaited, and two passes readmit)
    registry.add("mesh.defaults.health-check.path", () -> "/healthz");
    registry.add("mesh.defaults.health-check.interval", () -> "300ms");
    registry.add("mesh.defaults.health-check.timeout", () -> "300ms");
    registry.add("mesh.defaults.health-check.unhealthy-threshold", () -> "1");
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private record Answer(int status, JsonNode body) {}

  private Answer get(String path) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), json.readTree(r.body()));
  }

  private JsonNode mesh(Answer a) {
    return a.body().path("components").path("mesh");
  }

  @Test
  void healthFollowsBackendsDyingAndOnlyARequiredServiceTakesTheAppDown() throws Exception {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        mesh(get("/actuator/health")).path("details").path("services").path("orders").path("eligible").asInt()).isEqualTo(2));
    Answer first = get("/actuator/health");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().path("status").asText()).isEqualTo("UP");
    JsonNode orders = mesh(first).path("details").path("services").path("orders");
    assertThat(mesh(first).path("status").asText()).isEqualTo("UP");
    assertThat(mesh(first).path("details").path("service").asText()).isEqualTo("frontend");
    assertThat(orders.path("discovered").asInt()).isEqualTo(2);
    assertThat(orders.path("eligible").asInt()).isEqualTo(2);
    assertThat(orders.path("circuit").asText()).isEqualTo("CLOSED");
    assertThat(orders.path("status").asText()).isEqualTo("UP");

    orders2.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Answer a = get("/actuator/health");
      JsonNode o = mesh(a).path("details").path("services").path("orders");
      assertThat(o.path("eligible").asInt()).isEqualTo(1);
      assertThat(o.path("unhealthy").get(0).asText()).isEqualTo(orders2.address());
      assertThat(a.status()).isEqualTo(200);
    });

    orders1.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Answer a = get("/actuator/health");
      JsonNode o = mesh(a).path("details").path("services").path("orders");
      assertThat(o.path("eligible").asInt()).isZero();
      assertThat(o.path("discovered").asInt()).isEqualTo(2);
      assertThat(o.path("status").asText()).isEqualTo("DOWN");
      // orders is not required: the application stays UP
      assertThat(mesh(a).path("status").asText()).isEqualTo("UP");
      assertThat(a.status()).isEqualTo(200);
    });

    payments.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Answer a = get("/actuator/health");
      assertThat(mesh(a).path("details").path("services").path("payments").path("status").asText()).isEqualTo("DOWN");
      assertThat(mesh(a).path("status").asText()).isEqualTo("DOWN");
      assertThat(a.body().path("status").asText()).isEqualTo("DOWN");
      assertThat(a.status()).isEqualTo(503);
    });
  }

  @Test
  void infoNamesTheServiceTrustDomainAndModules() throws Exception {
    Answer info = get("/actuator/info");
    assertThat(info.status()).isEqualTo(200);
    JsonNode mesh = info.body().path("mesh");
    assertThat(mesh.path("service").asText()).isEqualTo("frontend");
    assertThat(mesh.path("trustDomain").asText()).isEqualTo("mesh.local");
    assertThat(mesh.path("version").asText()).isNotBlank();
    assertThat(mesh.path("modules").toString()).contains("mesh-core", "mesh-resilience", "mesh-tls");
    assertThat(mesh.path("services").toString()).contains("orders", "payments");
    assertThat(mesh.path("tlsMode").asText()).isEqualTo("disabled");
  }

  @Test
  void aRequiredServiceThatIsNotConfiguredIsWarnedOnceAndShownAsUnknown(CapturedOutput output) {
    MeshHealthIndicator indicator = new MeshHealthIndicator(meshClient, List.of("payments", "paymnets"));
    String warning = "mesh4j.spring.health.required-services names services that are not configured in the mesh: [paymnets]";
    assertThat(output.getAll()).contains(warning);
    Health first = indicator.health();
    indicator.health();
    assertThat(output.getAll().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2); // once
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) first.getDetails().get("services");
    assertThat(services.get("paymnets")).containsEntry("status", "UNKNOWN");
    assertThat(services).containsKeys("orders", "payments");
  }
}
