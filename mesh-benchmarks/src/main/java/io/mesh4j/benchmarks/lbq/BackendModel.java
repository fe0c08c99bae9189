package io.mesh4j.benchmarks.lbq;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How one backend answers: a fixed service time, optionally a slow first answer (a cold JVM,
 * connection or TLS setup), a stall (every request arriving meanwhile answers after a long
 * delay), a share of 503s. The scenario changes it while the run goes on; thread-safe.
 */
final class BackendModel {

  /** What the request arriving now gets. */
  record Answer(long delayNanos, boolean fails) {}

  private final long coldFirstNanos;
  private final AtomicBoolean answeredOnce = new AtomicBoolean();
  private volatile long serviceNanos;
  private volatile long stallNanos; // > 0 while stalled
  private volatile double failureRate;

  private BackendModel(long serviceNanos, long coldFirstNanos) {
    this.serviceNanos = serviceNanos;
    this.coldFirstNanos = coldFirstNanos;
  }

  static BackendModel serving(Duration serviceTime) {
    return new BackendModel(serviceTime.toNanos(), 0);
  }

  /** The same model whose first answer takes {@code firstAnswer} instead. */
  BackendModel withColdFirstAnswer(Duration firstAnswer) {
    return new BackendModel(serviceNanos, firstAnswer.toNanos());
  }

  void serviceTime(Duration serviceTime) {
    serviceNanos = serviceTime.toNanos();
  }

  /** From now on every request arriving answers after {@code answerAfter}, until {@link #recover}. */
  void stall(Duration answerAfter) {
    stallNanos = answerAfter.toNanos();
  }

  void recover() {
    stallNanos = 0;
  }

  /** From now on this share of requests (0 to 1) is answered 503 after the usual delay. */
  void failing(double rate) {
    failureRate = rate;
  }

  Answer next() {
    long delay;
    if (coldFirstNanos > 0 && answeredOnce.compareAndSet(false, true)) {
      delay = coldFirstNanos;
    } else {
      long stall = stallNanos;
      delay = stall > 0 ? stall : serviceNanos;
    }
    double rate = failureRate;
    return new Answer(delay, rate > 0 && ThreadLocalRandom.current().nextDouble() < rate);
  }

  /** For the results: what this model was at the start. */
  String describe() {
    String s = "serves in " + millis(serviceNanos);
    return coldFirstNanos > 0 ? s + ", first answer in " + millis(coldFirstNanos) : s;
  }

  private static String millis(long nanos) {
    return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : nanos / 1e6 + " ms";
  }
}
