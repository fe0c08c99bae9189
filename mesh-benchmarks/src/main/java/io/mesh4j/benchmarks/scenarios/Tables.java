package io.mesh4j.benchmarks.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/** The short tables a scenario main prints after writing its JSON (the JSON is the result). */
final class Tables {

  private Tables() {}

  static void print(String title, ResultFile result, Path file) {
    JsonNode root = result.json();
    System.out.println();
    System.out.println("== " + title);
    System.out.printf("%-22s %5s %9s %7s %10s %10s %10s %11s %12s%n",
        "variant", "round", "requests", "errors", "req/s", "p50 us", "p99 us", "cpu us/req", "total us/req");
    for (JsonNode s : root.path("samples")) {
      System.out.printf("%-22s %5d %9d %7d %10.1f %10.1f %10.1f %11.1f %12.1f%n",
          s.path("variant").asText(), s.path("round").asInt(), s.path("requests").asLong(), s.path("errors").asLong(),
          s.path("throughput").asDouble(), s.path("latencyMicros").path("p50").asDouble(),
          s.path("latencyMicros").path("p99").asDouble(), s.path("cpuNanosPerRequest").asDouble() / 1000,
          s.path("totalCpuNanosPerRequest").asDouble() / 1000);
    }
    for (JsonNode s : root.path("summary")) {
      StringBuilder line = new StringBuilder("summary " + s.path("variant").asText());
      if (s.has("baseline")) {
        line.append(" vs ").append(s.path("baseline").asText());
      }
      for (Map.Entry<String, JsonNode> f : s.properties()) {
        if (f.getValue().isObject() && f.getValue().has("median")) {
          line.append(String.format("  %s %s [%s..%s]", f.getKey(), f.getValue().path("median").asText(),
              f.getValue().path("min").asText(), f.getValue().path("max").asText()));
        }
      }
      System.out.println(line);
    }
    for (JsonNode u : root.path("unavailable")) {
      System.out.println("unavailable " + u.path("variant").asText() + ": " + u.path("reason").asText());
    }
    System.out.println("written: " + file);
  }

  static void printRotation(ResultFile result) {
    for (JsonNode s : result.json().path("samples")) {
      JsonNode extra = s.path("extra");
      System.out.println("throughput per second: " + extra.path("throughputPerSecond"));
      System.out.println("new connections nginx saw: " + extra.path("serverNewConnections")
          + ", with an older serial than the client had picked up: " + extra.path("newConnectionsWithAnOlderSerial"));
      for (JsonNode r : extra.path("rotations")) {
        System.out.println("rotation " + r);
      }
      for (JsonNode w : extra.path("serialsPer5s")) {
        System.out.println("from " + w.path("fromSecond") + " s: requests " + w.path("requestsBySerial")
            + " new connections " + w.path("newConnectionsBySerial"));
      }
    }
  }

  static void printStorm(ResultFile result) {
    System.out.printf("%-22s %5s %10s %10s %10s %12s %12s%n", "variant", "round", "att/req", "att/fwd", "rejected",
        "1st ok ms", "99% ok ms");
    for (JsonNode s : result.json().path("samples")) {
      JsonNode e = s.path("extra");
      System.out.printf("%-22s %5d %10s %10s %10s %12s %12s%n", s.path("variant").asText(), s.path("round").asInt(),
          e.path("attemptsPerRequestDuringStorm").asText(), e.path("attemptsPerForwardedRequestDuringStorm").asText(),
          e.path("rejectedLocallyDuringStorm").asText(), e.path("firstSuccessAfterMs").asText("-"),
          e.path("successRate99AfterMs").asText("-"));
      System.out.println("   circuit: " + e.path("circuitStateChanges"));
    }
  }
}
