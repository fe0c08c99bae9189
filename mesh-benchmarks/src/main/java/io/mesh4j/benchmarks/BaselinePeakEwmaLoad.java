package io.mesh4j.benchmarks;

import io.mesh4j.lb.OutstandingRequests;
import io.mesh4j.time.MeshClock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Outstanding requests plus a peak-sensitive latency estimate (Finagle's and Linkerd's peak EWMA):
 * a sample above the estimate replaces it at once, so a slow endpoint is shunned immediately; below
 * it, the estimate moves towards the sample by how much time has passed, and with no samples it
 * decays towards zero with time constant {@code decayNanos}, so a shunned endpoint is tried again.
 *
 * <p>Lock-free and allocation-free: the (estimate, time) pair lives in two slots of plain longs
 * with a version ({@link #version}), a double buffer. A writer claims the version (even to odd) by
 * CAS, writes the slot readers are not using, and publishes it (odd to the next even). Readers
 * never wait for a writer: they read the published slot and retry only if a newer one was
 * published meanwhile (so someone made progress), which is what makes a torn pair impossible.
 * Writers never wait either: <b>a completion that finds another completion of the same endpoint
 * being recorded at that instant is not folded into the estimate</b> (its outstanding count still
 * is). Such a lost sample is harmless for an EWMA of a stream of samples; a peak is lost only if
 * every other concurrent sample was lower, and the next one of it is taken.
 */
final class BaselinePeakEwmaLoad extends OutstandingRequests {

  /**
   * Below this many decay times, {@link #weightOfPast} uses a polynomial instead of {@link
   * Math#exp}: the first omitted term, x⁵/120, is under 1e-17 (below half an ulp of the result,
   * and below {@code Math.exp}'s own 1-ulp error). With the default 10 s decay: below ~9.8 ms,
   * which is how far apart a busy endpoint's samples and picks are.
   */
  private static final double SERIES_LIMIT = 1.0 / 1024;

  private static final VarHandle VERSION;
  private static final VarHandle LATENCY0;
  private static final VarHandle AT0;
  private static final VarHandle LATENCY1;
  private static final VarHandle AT1;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      VERSION = l.findVarHandle(BaselinePeakEwmaLoad.class, "version", long.class);
      LATENCY0 = l.findVarHandle(BaselinePeakEwmaLoad.class, "latency0", double.class);
      AT0 = l.findVarHandle(BaselinePeakEwmaLoad.class, "at0", long.class);
      LATENCY1 = l.findVarHandle(BaselinePeakEwmaLoad.class, "latency1", double.class);
      AT1 = l.findVarHandle(BaselinePeakEwmaLoad.class, "at1", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MeshClock clock;
  private final double decayNanos;

  /**
   * Even: no writer, odd: a writer is filling the unpublished slot. {@code (version >> 1) & 1} is
   * the published slot; {@code version < 2}: no estimate published yet.
   */
  @SuppressWarnings("unused") // through VERSION
  private volatile long version;

  // the two slots; written with release and read with acquire semantics (see the class comment)
  @SuppressWarnings("unused")
  private double latency0;
  @SuppressWarnings("unused")
  private long at0;
  @SuppressWarnings("unused")
  private double latency1;
  @SuppressWarnings("unused")
  private long at1;

  BaselinePeakEwmaLoad(MeshClock clock, long decayNanos) {
    this.clock = clock;
    this.decayNanos = decayNanos;
  }

  boolean hasEstimate() {
    return version >= 2;
  }

  /** The estimate decayed to {@code nowNanos}; 0 when there is none yet. */
  double latencyNanos(long nowNanos) {
    double latency = decayedLatencyNanos(nowNanos);
    return latency < 0 ? 0 : latency;
  }

  /**
   * The estimate decayed to {@code nowNanos}, or -1 when there is none yet: one consistent read of
   * the pair, for the picker (estimates are never negative).
   */
  double decayedLatencyNanos(long nowNanos) {
    while (true) {
      long v = version;
      if (v < 2) {
        return -1;
      }
      double latency;
      long at;
      if (((v >> 1) & 1) == 0) {
        latency = (double) LATENCY0.getAcquire(this);
        at = (long) AT0.getAcquire(this);
      } else {
        latency = (double) LATENCY1.getAcquire(this);
        at = (long) AT1.getAcquire(this);
      }
      if (version == v) {
        return latency * weightOfPast(nowNanos - at);
      }
      // a newer slot was published while reading, and the slot read may be being rewritten: again
    }
  }

  /** One consistent read of the pair, for debugging (and the concurrency test). */
  @Override
  public String toString() {
    while (true) {
      long v = version;
      if (v < 2) {
        return "BaselinePeakEwmaLoad{outstanding=" + get() + ", no estimate}";
      }
      boolean zero = ((v >> 1) & 1) == 0;
      double latency = (double) (zero ? LATENCY0.getAcquire(this) : LATENCY1.getAcquire(this));
      long at = (long) (zero ? AT0.getAcquire(this) : AT1.getAcquire(this));
      if (version == v) {
        return "BaselinePeakEwmaLoad{outstanding=" + get() + ", latencyNanos=" + latency + ", atNanos=" + at + "}";
      }
    }
  }

  @Override
  public void onComplete(long latencyNanos, boolean success) {
    super.onComplete(latencyNanos, success);
    // CallTracker learns only the latency, not when the attempt ended: one clock read per completion
    update(latencyNanos, success, clock.nanoTime());
  }

  void observe(double sampleNanos, long nowNanos) {
    update(sampleNanos, true, nowNanos);
  }

  /**
   * Folds in one sample; a failure's sample is at least the current estimate (decayed to now): a
   * fast failure (connection refused) must not make an endpoint look fast and attract traffic.
   * Returns false when the sample was dropped because another completion was being recorded.
   */
  private boolean update(double latencyNanos, boolean success, long nowNanos) {
    long v;
    do {
      v = version;
      if ((v & 1) != 0) {
        return false; // another completion is writing: drop this sample (see the class comment)
      }
    } while (!VERSION.compareAndSet(this, v, v + 1));
    // exclusive until the release below: no other writer touches either slot
    boolean hasCurrent = v >= 2;
    boolean zeroIsPublished = ((v >> 1) & 1) == 0;
    double current = hasCurrent ? (zeroIsPublished ? latency0 : latency1) : 0;
    long currentAt = hasCurrent ? (zeroIsPublished ? at0 : at1) : 0;
    double sample = latencyNanos;
    if (!success && hasCurrent) {
      sample = Math.max(latencyNanos, current * weightOfPast(nowNanos - currentAt));
    }
    sample = Math.max(0, sample);
    double next;
    if (!hasCurrent || sample > current) {
      next = sample; // the peak: jump up at once
    } else {
      double w = weightOfPast(nowNanos - currentAt);
      next = current * w + sample * (1 - w);
    }
    long at = hasCurrent ? Math.max(nowNanos, currentAt) : nowNanos;
    // fill the unpublished slot (while v is odd, readers use the published one), then publish it
    if (zeroIsPublished) {
      LATENCY1.setRelease(this, next);
      AT1.setRelease(this, at);
    } else {
      LATENCY0.setRelease(this, next);
      AT0.setRelease(this, at);
    }
    // release suffices: a reader that saw any later write to a slot also sees that writer's claim
    VERSION.setRelease(this, v + 2);
    return true;
  }

  /** e^(-elapsed/decay): 1 for no time, a series for a tiny fraction of the decay time. */
  private double weightOfPast(long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return 1.0;
    }
    double x = elapsedNanos / decayNanos;
    if (x < SERIES_LIMIT) {
      return 1 - x * (1 - x * (0.5 - x * (1.0 / 6 - x * (1.0 / 24))));
    }
    return Math.exp(-x);
  }
}
