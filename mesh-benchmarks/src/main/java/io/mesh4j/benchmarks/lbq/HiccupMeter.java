package io.mesh4j.benchmarks.lbq;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.AbstractHistogram;

/**
 * How noisy the machine was during a run (as jHiccup measures it): a thread asks to sleep 1 ms
 * over and over and records how much later than asked it woke up. On a quiet machine that is well
 * under a millisecond; when other processes or the GC take the CPUs it is tens or hundreds, and the
 * run's latencies carry the same delays whatever the policy. A run with a high hiccup p99 is a
 * run to repeat, not a policy to blame.
 */
final class HiccupMeter {

  private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final AbstractHistogram overshootMicros = ClientSeries.newHistogram();
  private final Thread thread;
  private volatile boolean stopping;

  private HiccupMeter() {
    thread = new Thread(this::measure, "lbq-hiccup-meter");
    thread.setDaemon(true);
  }

  static HiccupMeter start() {
    HiccupMeter m = new HiccupMeter();
    m.thread.start();
    return m;
  }

  private void measure() {
    while (!stopping) {
      long before = System.nanoTime();
      try {
        TimeUnit.NANOSECONDS.sleep(INTERVAL_NANOS);
      } catch (InterruptedException e) {
        return;
      }
      long late = System.nanoTime() - before - INTERVAL_NANOS;
      overshootMicros.recordValue(Math.max(1, Math.min(60_000_000, late / 1000)));
    }
  }

  /** Stops the thread; then {@link #percentileMillis} reads what it recorded. */
  void stop() throws InterruptedException {
    stopping = true;
    thread.join();
  }

  double percentileMillis(double percentile) {
    return overshootMicros.getTotalCount() == 0 ? Double.NaN : overshootMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxMillis() {
    return overshootMicros.getTotalCount() == 0 ? Double.NaN : overshootMicros.getMaxValue() / 1000.0;
  }
}
