package io.mesh4j.benchmarks.scenarios;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesh4j.MeshClient;
import io.mesh4j.event.CircuitStateChanged;
import io.mesh4j.resilience.CircuitBreakerOpenException;
import io.mesh4j.testing.NginxProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.HdrHistogram.Histogram;

/**
 * The 503 storm of issue 13: three nginx backends that, for a window in the middle of the run, all
 * answer 503 (nginx checks a flag file on every request: the backends change, not the client), then
 * recover. An open loop at a fixed rate (latency from each request's intended send time, so
 * coordinated omission is corrected) through a MeshClient with every module, in three variants:
 * retries on 503 with the default retry budget, the same with the budget effectively off, and
 * retries off. Counted at the backends (nginx's access log, each request tagged with its id):
 * backend attempts per client request during the storm; requests the open circuit breaker
 * rejected without reaching a backend; and the recovery time after the storm.
 *
 * <p>{@code --rounds N --seconds S --storm-from S --storm-seconds S --rate R --max-attempts N
 * --open-duration D --out DIR --smoke}.
 */
public final class StormScenario {

  static final String SCENARIO = "503-storm";
  /** $msec $server_port $status $http_x_tag */
  static final int LOG_FIELDS = 4;

  private static final int OK = 0;
  private static final int STATUS_503 = 1;
  private static final int REJECTED_LOCALLY = 2;
  private static final int OTHER_ERROR = 3;

  private StormScenario() {}

  public static void main(String[] args) throws Exception {
    ScenarioOptions o = ScenarioOptions.parse(args, 3, 30);
    double seconds = Double.parseDouble(o.text("seconds", o.smoke() ? "6" : "30"));
    double stormFrom = Double.parseDouble(o.text("storm-from", String.valueOf(seconds / 3)));
    double stormSeconds = Double.parseDouble(o.text("storm-seconds", String.valueOf(seconds / 3)));
    int rate = o.intOption("rate", 400, 200);
    String maxAttempts = o.text("max-attempts", "3");
    String openDuration = o.text("open-duration", o.smoke() ? "1s" : "5s");

    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    variants.put("mesh-retry-budget", Map.of("retry.max-attempts", maxAttempts));
    variants.put("mesh-retry-no-budget", Map.of("retry.max-attempts", maxAttempts,
        "retry.budget.ratio", "1", "retry.budget.min-per-second", "100000"));
    variants.put("mesh-no-retry", Map.of("retry.max-attempts", "1"));
    // The breaker opens within a fraction of a second and then keeps the storm off the backends,
    // so the budget hardly shows above; without the breaker it is the only limit.
    variants.put("mesh-retry-budget-no-breaker", Map.of("retry.max-attempts", maxAttempts,
        "circuit-breaker.enabled", "false"));
    variants.put("mesh-retry-no-budget-no-breaker", Map.of("retry.max-attempts", maxAttempts,
        "retry.budget.ratio", "1", "retry.budget.min-per-second", "100000", "circuit-breaker.enabled", "false"));

    ResultFile result = new ResultFile(SCENARIO, StormScenario.class, args);
    ObjectNode settings = result.settings();
    settings.put("rounds", o.rounds());
    settings.put("seconds", seconds);
    settings.put("stormFromSecond", stormFrom);
    settings.put("stormSeconds", stormSeconds);
    settings.put("rate", rate);
    settings.put("backends", 3);
    settings.put("modules", "mesh-core, mesh-resilience (defaults but the keys below), mesh-tracing (global no-op OpenTelemetry); mesh.tls.mode=disabled");
    settings.put("circuitBreakerOpenDuration", openDuration);
    ObjectNode keys = settings.putObject("variantKeys");
    variants.forEach((v, k) -> keys.set(v, ResultFile.JSON.valueToTree(k)));
    settings.put("smoke", o.smoke());

    Path prefix = Files.createTempDirectory("mesh4j-storm").resolve("nginx");
    Files.createDirectories(prefix);
    Path flag = prefix.resolve("storm");
    try (NginxBackends nginx = NginxBackends.start(prefix, 3, LOG_FIELDS, ports -> conf(ports, flag))) {
      String endpoints = nginx.ports().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
      for (int round = 1; round <= o.rounds(); round++) {
        List<String> order = new ArrayList<>(variants.keySet());
        Collections.rotate(order, round - 1);
        for (String variant : order) {
          Files.deleteIfExists(flag);
          Run run = new Run(variant, round, seconds, stormFrom, stormSeconds, rate, openDuration, variants.get(variant));
          run.execute(nginx, endpoints, flag, result);
        }
      }
    } finally {
      NginxBackends.deleteRecursively(prefix.getParent());
    }
    for (String variant : variants.keySet()) {
      ObjectNode s = result.summarize(variant, "open-" + rate, null);
      for (String f : List.of("attemptsPerRequestDuringStorm", "attemptsPerForwardedRequestDuringStorm",
          "rejectedLocallyShareDuringStorm", "firstSuccessAfterMs", "successRate99AfterMs", "cpuNanosPerRequest")) {
        result.summarizeExtra(s, variant, "open-" + rate, f);
      }
    }
    Path file = result.write(o.out());
    Tables.print("503-storm (open loop " + rate + " req/s; all backends answer 503 from " + stormFrom + " s for "
        + stormSeconds + " s)", result, file);
    Tables.printStorm(result);
  }

  /** One server on the three ports; 503 while the flag file exists (checked on every request). */
  static String conf(List<Integer> ports, Path flag) {
    String listen = ports.stream().map(p -> "    listen 127.0.0.1:" + p + ";").collect(Collectors.joining("\n"));
    return NginxProcess.conf("""
          log_format storm '$msec $server_port $status $http_x_tag';
          access_log logs/access.log storm;
          keepalive_requests 1000000;
          server {
        %s
            location / {
              default_type text/plain;
              if (-f %s) {
                return 503 "storm\\n";
              }
              return 200 "ok\\n";
            }
          }
        """.formatted(listen, flag));
  }

  /** One variant's run in one round. */
  private static final class Run {
    final String variant;
    final int round;
    final double seconds;
    final double stormFrom;
    final double stormSeconds;
    final int rate;
    final String openDuration;
    final Map<String, String> keys;
    final int total;
    final long[] intendedNanos;
    final long[] sentNanos;
    final long[] doneNanos;
    final int[] outcome;
    final Histogram latency = Latency.histogram();
    final List<String> circuit = new CopyOnWriteArrayList<>();

    Run(String variant, int round, double seconds, double stormFrom, double stormSeconds, int rate, String openDuration,
        Map<String, String> keys) {
      this.variant = variant;
      this.round = round;
      this.seconds = seconds;
      this.stormFrom = stormFrom;
      this.stormSeconds = stormSeconds;
      this.rate = rate;
      this.openDuration = openDuration;
      this.keys = keys;
      this.total = (int) (seconds * rate);
      this.intendedNanos = new long[total];
      this.sentNanos = new long[total];
      this.doneNanos = new long[total];
      this.outcome = new int[total];
    }

    String tag() {
      return variant + "-r" + round + "-";
    }

    void execute(NginxBackends nginx, String endpoints, Path flag, ResultFile result) throws Exception {
      MeshClient.Builder b = MeshClient.builder()
          .service("bench")
          .environment(Map.of())
          .systemProperties(new Properties())
          .property("mesh.tls.mode", "disabled")
          .property("mesh.services.orders.endpoints", endpoints)
          .property("mesh.services.orders.circuit-breaker.open-duration", openDuration);
      keys.forEach((k, v) -> b.property("mesh.services.orders." + k, v));
      long stormStart;
      long stormEnd;
      long start;
      long cpu;
      long nginxCpu;
      try (MeshClient mesh = b.build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        // warm-up, healthy backends, not recorded (a fresh client per variant: fresh breaker and budget)
        for (int i = 0; i < Math.min(2000, rate * 2); i++) {
          send(http, "warmup", -1);
        }
        start = System.nanoTime();
        long t0 = start;
        mesh.events().subscribe(CircuitStateChanged.class,
            e -> circuit.add(String.format("%.3f %s->%s", (System.nanoTime() - t0) / 1e9, e.from(), e.to())));
        long cpu0 = Cpu.processNanos();
        long nginxCpu0 = nginx.cpuNanos();
        ExecutorService senders = Executors.newFixedThreadPool(64);
        long stormAt = start + (long) (stormFrom * 1e9);
        long healthyAt = stormAt + (long) (stormSeconds * 1e9);
        stormStart = -1;
        stormEnd = -1;
        try {
          for (int i = 0; i < total; i++) {
            long at = start + (long) (i * 1e9 / rate);
            if (stormStart < 0 && at >= stormAt) {
              pace(stormAt);
              Files.writeString(flag, "503");
              stormStart = System.nanoTime();
            }
            if (stormEnd < 0 && at >= healthyAt) {
              pace(healthyAt);
              Files.delete(flag);
              stormEnd = System.nanoTime();
            }
            pace(at);
            int id = i;
            intendedNanos[i] = at;
            senders.execute(() -> send(http, tag() + id, id));
          }
        } finally {
          senders.shutdown();
          senders.awaitTermination(60, TimeUnit.SECONDS);
          Files.deleteIfExists(flag);
        }
        cpu = Cpu.processNanos() - cpu0;
        nginxCpu = nginx.cpuNanos() - nginxCpu0;
        Load.shutdown(http);
      }
      long forwarded = 0;
      for (int v : outcome) {
        forwarded += v == REJECTED_LOCALLY ? 0 : 1;
      }
      List<String[]> lines = nginx.awaitLines(f -> f[3].startsWith(tag()), forwarded);
      report(result, lines, start, stormStart, stormEnd, cpu, nginxCpu);
    }

    private static void pace(long at) throws InterruptedException {
      long wait;
      while ((wait = at - System.nanoTime()) > 0) {
        if (wait > 2_000_000) {
          Thread.sleep(1); // pacing an open loop, not waiting for a condition
        } else {
          Thread.onSpinWait();
        }
      }
    }

    private void send(OkHttpClient http, String tag, int id) {
      if (id >= 0) {
        sentNanos[id] = System.nanoTime();
      }
      int result;
      try (Response r = http.newCall(new Request.Builder().url("http://orders/").header("X-Tag", tag).build()).execute()) {
        r.body().bytes();
        result = r.code() == 200 ? OK : r.code() == 503 ? STATUS_503 : OTHER_ERROR;
      } catch (CircuitBreakerOpenException e) {
        result = REJECTED_LOCALLY;
      } catch (IOException | RuntimeException e) {
        result = OTHER_ERROR;
      }
      if (id >= 0) {
        long done = System.nanoTime();
        doneNanos[id] = done;
        outcome[id] = result;
        synchronized (latency) {
          latency.recordValue(Math.max(0, done - intendedNanos[id]));
        }
      }
    }

    private void report(ResultFile result, List<String[]> lines, long start, long stormStart, long stormEnd,
        long cpu, long nginxCpu) {
      int[] attempts = new int[total];
      int seconds = (int) Math.ceil(this.seconds) + 2;
      long[] backendBySecond = new long[seconds];
      long[] backend503BySecond = new long[seconds];
      // nginx's $msec is wall time: place it on the run's clock through one reading of both
      long wallAtStart = System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000;
      for (String[] f : lines) {
        int id = Integer.parseInt(f[3].substring(tag().length()));
        attempts[id]++;
        int s = (int) ((Math.round(Double.parseDouble(f[0]) * 1000) - wallAtStart) / 1000);
        if (s >= 0 && s < seconds) {
          backendBySecond[s]++;
          if (f[2].equals("503")) {
            backend503BySecond[s]++;
          }
        }
      }
      long errors = 0;
      long stormRequests = 0;
      long stormAttempts = 0;
      long stormForwarded = 0;
      long stormRejected = 0;
      long before = 0;
      long beforeAttempts = 0;
      long[][] bySecond = new long[seconds][5]; // sent, ok, 503, rejected locally, other error
      long firstSuccess = Long.MAX_VALUE;
      long late = 0;
      for (int i = 0; i < total; i++) {
        // requests are placed by when they were really sent: a client that fell behind sends some of
        // the storm's requests after it (their latency still counts from the intended time)
        long at = sentNanos[i];
        late += at - intendedNanos[i] > 100_000_000L ? 1 : 0;
        int s = (int) Math.min(seconds - 1, Math.max(0, (at - start) / 1_000_000_000L));
        bySecond[s][0]++;
        bySecond[s][1 + outcome[i]]++;
        errors += outcome[i] == OK ? 0 : 1;
        if (at >= stormStart && at < stormEnd) {
          stormRequests++;
          stormAttempts += attempts[i];
          stormForwarded += outcome[i] == REJECTED_LOCALLY ? 0 : 1;
          stormRejected += outcome[i] == REJECTED_LOCALLY ? 1 : 0;
        } else if (at < stormStart - 500_000_000L) { // not the requests in flight when the storm began
          before++;
          beforeAttempts += attempts[i];
        }
        if (outcome[i] == OK && doneNanos[i] >= stormEnd) {
          firstSuccess = Math.min(firstSuccess, doneNanos[i]);
        }
      }
      // the first 1 s window (by send time, 100 ms steps) after the storm with >= 99 % successes
      long recovered99 = -1;
      for (long from = stormEnd; from + 1_000_000_000L <= start + (long) (this.seconds * 1e9); from += 100_000_000L) {
        long n = 0;
        long ok = 0;
        for (int i = 0; i < total; i++) {
          if (sentNanos[i] >= from && sentNanos[i] < from + 1_000_000_000L) {
            n++;
            ok += outcome[i] == OK ? 1 : 0;
          }
        }
        if (n > 0 && ok >= 0.99 * n) {
          recovered99 = from;
          break;
        }
      }
      Load.Outcome o = new Load.Outcome(total, errors, (System.nanoTime() - start) / 1e9, latency, cpu, -1, new long[0], List.of());
      ObjectNode sample = o.toSample(result, variant, round, "open-" + rate, nginxCpu);
      sample.put("seconds", this.seconds);
      sample.put("throughput", rate);
      ObjectNode extra = sample.putObject("extra");
      extra.put("serverRequests", lines.size());
      extra.put("requestsSentOver100msLate", late);
      if (late > total / 100) {
        System.out.printf("WARNING %s round %d: %d requests were sent more than 100 ms after their intended time (the client fell behind)%n",
            variant, round, late);
      }
      extra.put("attemptsPerRequestBeforeStorm", ResultFile.round(before == 0 ? 0 : (double) beforeAttempts / before));
      extra.put("requestsDuringStorm", stormRequests);
      extra.put("backendAttemptsDuringStorm", stormAttempts);
      extra.put("attemptsPerRequestDuringStorm", ResultFile.round(stormRequests == 0 ? 0 : (double) stormAttempts / stormRequests));
      extra.put("attemptsPerForwardedRequestDuringStorm",
          ResultFile.round(stormForwarded == 0 ? 0 : (double) stormAttempts / stormForwarded));
      extra.put("rejectedLocallyDuringStorm", stormRejected);
      extra.put("rejectedLocallyShareDuringStorm", ResultFile.round(stormRequests == 0 ? 0 : (double) stormRejected / stormRequests));
      extra.put("stormStartedAtSecond", ResultFile.round((stormStart - start) / 1e9));
      extra.put("stormEndedAtSecond", ResultFile.round((stormEnd - start) / 1e9));
      if (firstSuccess != Long.MAX_VALUE) {
        extra.put("firstSuccessAfterMs", ResultFile.round((firstSuccess - stormEnd) / 1e6));
      }
      if (recovered99 >= 0) {
        extra.put("successRate99AfterMs", ResultFile.round((recovered99 - stormEnd) / 1e6));
      }
      if (o.cpuNanos() >= 0) {
        extra.put("cpuNanosPerRequest", ResultFile.round((double) cpu / total));
      }
      ArrayNode states = extra.putArray("circuitStateChanges");
      circuit.forEach(states::add);
      ArrayNode perSecond = extra.putArray("perSecond");
      for (int s = 0; s < Math.ceil(this.seconds); s++) {
        ObjectNode n = perSecond.addObject();
        n.put("second", s);
        n.put("sent", bySecond[s][0]);
        n.put("ok", bySecond[s][1]);
        n.put("status503", bySecond[s][2]);
        n.put("rejectedLocally", bySecond[s][3]);
        n.put("otherErrors", bySecond[s][4]);
        n.put("backendAttempts", backendBySecond[s]);
        n.put("backend503", backend503BySecond[s]);
      }
    }
  }
}
