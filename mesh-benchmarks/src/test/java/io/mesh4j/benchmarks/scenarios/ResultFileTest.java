package io.mesh4j.benchmarks.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFileTest {

  @TempDir Path dir;

  @Test
  void ratiosAreTakenPerRoundAgainstTheBaselinesSampleOfTheSameRoundThenSpreadOverRounds() {
    ResultFile result = new ResultFile("mtls-handshake", ResultFileTest.class, new String[] {"--smoke"});
    sample(result, "base", 1, 1000, 100, 200, 50_000);
    sample(result, "mesh", 1, 900, 110, 260, 55_000);
    sample(result, "base", 2, 2000, 100, 200, 50_000);
    sample(result, "mesh", 2, 1000, 130, 300, 60_000);
    sample(result, "base", 3, 1000, 100, 200, 50_000);
    sample(result, "mesh", 3, 800, 120, 220, 50_000);

    ObjectNode s = result.summarize("mesh", "closed", "base");

    assertThat(s.path("baseline").asText()).isEqualTo("base");
    assertThat(s.path("throughputRatio").path("median").asDouble()).isEqualTo(0.8);
    assertThat(s.path("throughputRatio").path("min").asDouble()).isEqualTo(0.5);
    assertThat(s.path("throughputRatio").path("max").asDouble()).isEqualTo(0.9);
    assertThat(s.path("addedP50Micros").path("median").asDouble()).isEqualTo(20);
    assertThat(s.path("addedP99Micros").path("max").asDouble()).isEqualTo(100);
    assertThat(s.path("cpuPerRequestRatio").path("median").asDouble()).isEqualTo(1.1);
  }

  @Test
  void theSpreadOfAnExtraFieldIsItsMedianMinAndMaxOverTheVariantsSamples() {
    ResultFile result = new ResultFile("503-storm", ResultFileTest.class, new String[0]);
    for (double v : List.of(3.0, 1.0, 2.0, 10.0)) {
      result.sample("mesh", 1, "open-400").putObject("extra").put("attemptsPerRequestDuringStorm", v);
    }
    ObjectNode s = result.summarize("mesh", "open-400", null);

    result.summarizeExtra(s, "mesh", "open-400", "attemptsPerRequestDuringStorm");

    assertThat(s.has("baseline")).isFalse();
    assertThat(s.path("attemptsPerRequestDuringStorm").path("median").asDouble()).isEqualTo(2.5);
    assertThat(s.path("attemptsPerRequestDuringStorm").path("min").asDouble()).isEqualTo(1.0);
    assertThat(s.path("attemptsPerRequestDuringStorm").path("max").asDouble()).isEqualTo(10.0);
  }

  @Test
  void writesOneFileNamedAfterTheScenarioAndItsStartInTheSharedFormat() throws Exception {
    ResultFile result = new ResultFile("503-storm", ResultFileTest.class, new String[] {"--rounds", "2"});
    result.settings().put("rate", 400);
    result.unavailable("armeria", "not a storm variant");

    Path file = result.write(dir.resolve("results"));

    assertThat(file.getFileName().toString()).matches("503-storm-\\d{8}-\\d{6}\\.json");
    JsonNode json = ResultFile.JSON.readTree(Files.readString(file));
    assertThat(json.path("scenario").asText()).isEqualTo("503-storm");
    assertThat(json.path("machine").path("cores").asInt()).isPositive();
    assertThat(json.path("command").asText()).endsWith("--rounds 2");
    assertThat(json.path("settings").path("rate").asInt()).isEqualTo(400);
    assertThat(json.path("unavailable").get(0).path("variant").asText()).isEqualTo("armeria");
    assertThat(json.path("samples").isArray()).isTrue();
    assertThat(json.path("summary").isArray()).isTrue();
  }

  private static void sample(ResultFile r, String variant, int round, double throughput, double p50, double p99, double cpu) {
    ObjectNode s = r.sample(variant, round, "closed");
    s.put("throughput", throughput);
    s.put("cpuNanosPerRequest", cpu);
    s.putObject("latencyMicros").put("p50", p50).put("p99", p99);
  }
}
