package io.mesh4j.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * mesh4j under the OpenTelemetry Java agent (a real JVM with -javaagent, its SDK exporting OTLP
 * JSON to its log): with {@code mesh.tracing.attempt-spans=auto} each attempt has one CLIENT span,
 * the agent's, under mesh4j's INTERNAL attempt span; the backend sees that CLIENT span as the
 * parent; {@code http.client.request.duration} is recorded once per attempt.
 */
class JavaAgentCoexistenceTest {

  private static final String AGENT_OKHTTP_SCOPE = "io.opentelemetry.okhttp-3.0";
  private static final int CLIENT = 3; // OTLP SpanKind
  private static final int INTERNAL = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** One span as exported: scope, ids, name, OTLP kind. */
  private record Exported(String scope, String spanId, String parentSpanId, String name, int kind) {}

  /** What the probe JVM printed and exported. */
  private record Run(String stdout, String stderr, List<Exported> spans, Map<String, Long> durationCounts) {
    List<String> backendParents() {
      return stdout.lines()
          .filter(l -> l.startsWith("BACKEND-TRACEPARENT "))
          .map(l -> l.substring("BACKEND-TRACEPARENT ".length()).split("-")[2])
          .toList();
    }

    List<Exported> ofKind(int kind) {
      return spans.stream().filter(s -> s.kind() == kind).toList();
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void underTheAgentEachAttemptHasOneClientSpanTheAgentsAndOneDurationRecord() throws Exception {
    Run run = probe("auto");

    assertThat(run.stdout()).contains("STATUS 200");
    assertThat(run.stderr()).contains("the OpenTelemetry Java agent instruments OkHttp");
    List<Exported> clients = run.ofKind(CLIENT);
    assertThat(clients).as("CLIENT spans: %s", run.spans()).hasSize(2).allMatch(s -> s.scope().equals(AGENT_OKHTTP_SCOPE));
    Map<String, Exported> byId = run.spans().stream().collect(Collectors.toMap(Exported::spanId, Function.identity()));
    Exported logical =
        run.spans().stream().filter(s -> s.name().equals("GET orders")).findFirst().orElseThrow();
    for (Exported client : clients) {
      Exported attempt = byId.get(client.parentSpanId());
      assertThat(attempt).as("parent of %s", client).isNotNull();
      assertThat(attempt.scope()).isEqualTo(MeshTracing.INSTRUMENTATION_NAME);
      assertThat(attempt.kind()).isEqualTo(INTERNAL);
      assertThat(attempt.parentSpanId()).isEqualTo(logical.spanId());
    }
    assertThat(run.backendParents())
        .as("traceparent parents the backend saw")
        .containsExactlyInAnyOrderElementsOf(clients.stream().map(Exported::spanId).toList());
    assertThat(run.durationCounts()).containsExactly(Map.entry(AGENT_OKHTTP_SCOPE, 2L));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void withAttemptSpansClientTheAgentsClientSpanNestsInMeshsAndTheDurationIsRecordedTwice() throws Exception {
    Run run = probe("client");

    // what auto avoids, seen through the same exporter: a CLIENT span inside a CLIENT span
    Map<String, Exported> byId = run.spans().stream().collect(Collectors.toMap(Exported::spanId, Function.identity()));
    List<Exported> agentClients =
        run.ofKind(CLIENT).stream().filter(s -> s.scope().equals(AGENT_OKHTTP_SCOPE)).toList();
    assertThat(agentClients).hasSize(2);
    for (Exported client : agentClients) {
      Exported parent = byId.get(client.parentSpanId());
      assertThat(parent.scope()).isEqualTo(MeshTracing.INSTRUMENTATION_NAME);
      assertThat(parent.kind()).isEqualTo(CLIENT);
    }
    assertThat(run.durationCounts())
        .containsOnly(Map.entry(AGENT_OKHTTP_SCOPE, 2L), Map.entry(MeshTracing.INSTRUMENTATION_NAME, 2L));
  }

  private Run probe(String attemptSpans) throws IOException, InterruptedException {
    String agent = System.getProperty("mesh4j.test.javaagent");
    assertThat(agent).as("agent jar (copied by this module's build)").isNotNull();
    assertThat(Path.of(agent)).exists();
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-javaagent:" + agent,
            "-Dotel.service.name=mesh4j-agent-probe",
            "-Dotel.traces.exporter=logging-otlp",
            "-Dotel.metrics.exporter=logging-otlp",
            "-Dotel.logs.exporter=none",
            "-cp",
            System.getProperty("java.class.path"),
            JavaAgentProbe.class.getName(),
            attemptSpans);
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    // the agent's settings come from here too: none of the machine's may change what is measured
    builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("JAVA_TOOL_OPTIONS"));
    Process process = builder.start();
    try {
      assertThat(process.waitFor(4, TimeUnit.MINUTES)).as("probe JVM ended").isTrue();
    } finally {
      process.destroyForcibly();
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("probe exit; stderr:%n%s", stderr).isZero();
    return new Run(stdout, stderr, spans(stderr), durationCounts(stderr));
  }

  /** The JSON the agent's OTLP logging exporter wrote after {@code marker}, one document per line. */
  private static List<JsonNode> exported(String stderr, String marker) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    for (String line : stderr.lines().toList()) {
      int at = line.indexOf(marker + " - ");
      if (at >= 0) {
        documents.add(JSON.readTree(line.substring(at + marker.length() + 3)));
      }
    }
    return documents;
  }

  private static List<Exported> spans(String stderr) throws IOException {
    List<Exported> spans = new ArrayList<>();
    for (JsonNode resource : exported(stderr, "OtlpJsonLoggingSpanExporter")) {
      for (JsonNode scopeSpans : resource.path("scopeSpans")) {
        String scope = scopeSpans.path("scope").path("name").asText();
        for (JsonNode span : scopeSpans.path("spans")) {
          spans.add(
              new Exported(
                  scope,
                  span.path("spanId").asText(),
                  span.path("parentSpanId").asText(""),
                  span.path("name").asText(),
                  span.path("kind").asInt()));
        }
      }
    }
    return spans;
  }

  /** Histogram counts of http.client.request.duration by scope (cumulative: the last export wins). */
  private static Map<String, Long> durationCounts(String stderr) throws IOException {
    Map<String, Long> counts = new HashMap<>();
    for (JsonNode resource : exported(stderr, "OtlpJsonLoggingMetricExporter")) {
      for (JsonNode scopeMetrics : resource.path("scopeMetrics")) {
        String scope = scopeMetrics.path("scope").path("name").asText();
        for (JsonNode metric : scopeMetrics.path("metrics")) {
          if (metric.path("name").asText().equals("http.client.request.duration")) {
            long count = 0;
            for (JsonNode point : metric.path("histogram").path("dataPoints")) {
              count += point.path("count").asLong();
            }
            counts.put(scope, count);
          }
        }
      }
    }
    return counts;
  }
}
