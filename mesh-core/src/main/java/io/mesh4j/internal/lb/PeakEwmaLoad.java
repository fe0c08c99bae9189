package io.mesh4j.internal.lb;

import io.mesh4j.lb.OutstandingRequests;
import io.mesh4j.time.MeshClock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Outstanding requests plus a peak-sensitive latency estimate (Finagle's and Linkerd's peak EWMA,
 * with a bounded memory for peaks; see {@link PeakEwmaTuning} for the constants):
 *
 * <ul>
 *   <li>the estimate starts at the default RTT, as if that were a sample taken when the endpoint
 *       joined. A first answer slower than that only moves it one step ({@code lowerSampleWeight}):
 *       a first answer pays for connecting, a TLS handshake and a cold JIT, and becoming the
 *       estimate it would shun an identical endpoint (the peak rule applies from the second on). A
 *       first answer faster than the default becomes the estimate: even with those costs in it, it
 *       is a better guess than the default;
 *   <li>an endpoint without an answer yet and with nothing in flight costs 0: it is tried as soon
 *       as it is a candidate, once (then {@link #UNMEASURED_BUSY_PENALTY} until it answers), so
 *       that under sequential traffic an identical peer is not left unmeasured while the default
 *       decays;
 *   <li>while it has no request in flight it decays towards zero with time constant {@code
 *       decay}, so an endpoint that gets no traffic looks cheaper and cheaper and is tried again;
 *       while it has some, it does not decay: an endpoint that stops answering does not draw more
 *       callers the longer it keeps them waiting, and a shunned endpoint gets one probe at a time;
 *   <li>a sample above the (decayed) estimate replaces it at once: a slow endpoint is shunned
 *       immediately;
 *   <li>a sample below it moves the estimate a fixed fraction ({@code lowerSampleWeight}, 1/8) of
 *       the way down, however close together the samples are: a lone peak is forgotten after a
 *       bounded number of faster samples from the same endpoint (before, an endpoint busy with
 *       samples a millisecond apart kept 99.99 % of the past per sample, and so its peak, for
 *       seconds);
 *   <li>a failure counts as a peak of at least the estimate now and at least {@code
 *       failureFactor} × its last value (up to a cap): a failure never makes an endpoint look
 *       faster, and an endpoint that keeps failing fast is retried less and less often instead of
 *       attracting traffic as its estimate decays.
 * </ul>
 *
 * <p>Lock-free and allocation-free: the (estimate, time) pair lives in two slots of plain fields
 * with a version ({@link #version}), a double buffer. A writer claims the version (even to odd) by
 * CAS, writes the slot readers are not using, and publishes it (odd to the next even). Readers
 * never wait for a writer: they read the published slot and retry only if a newer one was
 * published meanwhile (so someone made progress), which is what makes a torn pair impossible.
 * Writers never wait either: <b>a completion that finds another completion of the same endpoint
 * being recorded at that instant is not folded into the estimate</b> (its outstanding count still
 * is). Such a lost sample is harmless for an average of a stream of samples; a peak is lost only if
 * every other concurrent sample was lower, and the next one of it is taken.
 */
final class PeakEwmaLoad extends OutstandingRequests {

  /**
   * Cost of an endpoint with no sample yet that already has a request in flight (as Finagle): a new
   * endpoint is tried, but gets no more until its first answer comes back, whatever the default
   * RTT says.
   */
  static final double UNMEASURED_BUSY_PENALTY = (double) (Long.MAX_VALUE >> 16);

  /**
   * Below this many decay times, {@link #weightOfPast} uses a polynomial instead of {@link
   * Math#exp}: the 6th-order series, whose first omitted term, x⁷/5040, is under 5e-17 (below half
   * an ulp of the result, and below {@code Math.exp}'s own 1-ulp error). With a 1 s decay: below
   * ~15.6 ms, which is how far apart a busy endpoint's samples and picks are.
   */
  private static final double SERIES_LIMIT = 1.0 / 64;

  /** Published versions: the default estimate is version 2, the first sample makes it 4. */
  private static final long FIRST_SAMPLE = 4;

  private static final VarHandle VERSION;
  private static final VarHandle LATENCY0;
  private static final VarHandle AT0;
  private static final VarHandle LATENCY1;
  private static final VarHandle AT1;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      VERSION = l.findVarHandle(PeakEwmaLoad.class, "version", long.class);
      LATENCY0 = l.findVarHandle(PeakEwmaLoad.class, "latency0", double.class);
      AT0 = l.findVarHandle(PeakEwmaLoad.class, "at0", long.class);
      LATENCY1 = l.findVarHandle(PeakEwmaLoad.class, "latency1", double.class);
      AT1 = l.findVarHandle(PeakEwmaLoad.class, "at1", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MeshClock clock;
  private final double decayNanos;
  private final double lowerSampleWeight;
  private final double failureFactor;
  private final double failureCapNanos;

  /**
   * Even: no writer, odd: a writer is filling the unpublished slot. {@code (version >> 1) & 1} is
   * the published slot; below {@link #FIRST_SAMPLE}: the published estimate is the default.
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

  /** An endpoint joining now: its estimate is the tuning's default RTT, as of now. */
  PeakEwmaLoad(MeshClock clock, PeakEwmaTuning tuning) {
    this.clock = clock;
    this.decayNanos = tuning.decayNanos();
    this.lowerSampleWeight = tuning.lowerSampleWeight();
    this.failureFactor = tuning.failureFactor();
    this.failureCapNanos = tuning.failureCapNanos();
    // slot 1 published (version 2); the volatile write below publishes the plain ones with it
    this.latency1 = tuning.defaultRttNanos();
    this.at1 = clock.nanoTime();
    this.version = 2;
  }

  /** True once a sample (not only the default) made the estimate. */
  boolean isMeasured() {
    return version >= FIRST_SAMPLE;
  }

  /** For {@link #estimate}: the estimate as published, not decayed. */
  private static final long UNDECAYED = Long.MIN_VALUE;

  /** The estimate decayed to {@code nowNanos} (the default one before the first sample). */
  double latencyNanos(long nowNanos) {
    return estimate(nowNanos);
  }

  /**
   * Latency estimate × (outstanding + 1), before weighting: what the picker compares. The estimate
   * decays only while nothing is outstanding; an endpoint without a sample costs 0 while idle and
   * {@link #UNMEASURED_BUSY_PENALTY} with a request in flight.
   */
  double cost(long nowNanos) {
    int outstanding = get();
    // waiting for answers is not "no traffic": no decay, or an endpoint that stopped answering
    // would look cheaper the longer it keeps its callers waiting, and draw more of them
    return outstanding == 0 ? idleCost(nowNanos) : busyCost(outstanding);
  }

  /**
   * The cost of an endpoint with nothing in flight, its estimate decayed to {@code refNanos} rather
   * than to now: 0 before its first answer. Two idle endpoints decay by the same factor from any
   * reference time on, so they compare the same at {@code refNanos} as now, provided {@code
   * refNanos} is not before either's last sample ({@link #sampledAtNanos()}): the pick needs no
   * clock read.
   */
  double idleCost(long refNanos) {
    return isMeasured() ? estimate(refNanos) : 0;
  }

  /** When the published estimate was taken (the endpoint's join for the default estimate). */
  long sampledAtNanos() {
    long v = version;
    return ((v >> 1) & 1) == 0 ? (long) AT0.getAcquire(this) : (long) AT1.getAcquire(this);
  }

  /**
   * The cost of an endpoint with requests in flight: the estimate, undecayed, × (outstanding + 1),
   * or {@link #UNMEASURED_BUSY_PENALTY} before its first answer. No clock needed.
   */
  double busyCost(int outstanding) {
    return isMeasured() ? estimate(UNDECAYED) * (outstanding + 1) : UNMEASURED_BUSY_PENALTY + outstanding;
  }

  /**
   * One consistent read of the pair: the estimate decayed to {@code refNanos}, or as published for
   * {@link #UNDECAYED}. (Whether it is measured is read apart: it only ever turns true, so a race
   * with the first sample prices the endpoint by the default estimate or by the sample, both sane.)
   */
  private double estimate(long refNanos) {
    while (true) {
      long v = version;
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
        return refNanos == UNDECAYED ? latency : latency * weightOfPast(refNanos - at);
      }
      // a newer slot was published while reading, and the slot read may be being rewritten: again
    }
  }

  /** One consistent read of the pair, for debugging (and the concurrency test). */
  @Override
  public String toString() {
    while (true) {
      long v = version;
      boolean zero = ((v >> 1) & 1) == 0;
      double latency = (double) (zero ? LATENCY0.getAcquire(this) : LATENCY1.getAcquire(this));
      long at = (long) (zero ? AT0.getAcquire(this) : AT1.getAcquire(this));
      if (version == v) {
        return "PeakEwmaLoad{outstanding=" + get() + ", latencyNanos=" + latency + ", atNanos=" + at
            + (v < FIRST_SAMPLE ? ", default" : "") + "}";
      }
    }
  }

  @Override
  public void onComplete(long latencyNanos, boolean success) {
    super.onComplete(latencyNanos, success);
    // CallTracker learns only the latency, not when the attempt ended: one clock read per completion
    update(latencyNanos, success, clock.nanoTime());
  }

  /** Folds in a successful sample taken at {@code nowNanos}; false when it was dropped. */
  boolean observe(double sampleNanos, long nowNanos) {
    return update(sampleNanos, true, nowNanos);
  }

  /** Folds in a failed attempt's latency, taken at {@code nowNanos}; false when it was dropped. */
  boolean observeFailure(double latencyNanos, long nowNanos) {
    return update(latencyNanos, false, nowNanos);
  }

  /**
   * Folds in one sample. Returns false when the sample was dropped because another completion was
   * being recorded.
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
    boolean zeroIsPublished = ((v >> 1) & 1) == 0;
    double current = zeroIsPublished ? latency0 : latency1;
    long currentAt = zeroIsPublished ? at0 : at1;
    double now = current * weightOfPast(nowNanos - currentAt); // the estimate the picker sees now
    double sample = Math.max(0, latencyNanos);
    if (!success) {
      // never faster than now, and a repeated fast failure backs off (from the undecayed value)
      sample = Math.max(sample, Math.max(now, Math.min(failureCapNanos, current * failureFactor)));
    }
    double next;
    if (v < FIRST_SAMPLE && success) {
      // the first answer pays for connecting, TLS and a cold JIT: slower than the default, it moves
      // the estimate one step rather than become it (or an identical endpoint would be shunned);
      // faster, it is an upper bound of the endpoint's latency, and a better one than the default
      next = sample <= now ? sample : now + (sample - now) * lowerSampleWeight;
    } else {
      next = sample >= now ? sample : now - (now - sample) * lowerSampleWeight;
    }
    long at = Math.max(nowNanos, currentAt);
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

  /** e^(-elapsed/decay): 1 for no time, a series for a small fraction of the decay time. */
  private double weightOfPast(long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return 1.0;
    }
    double x = elapsedNanos / decayNanos;
    if (x < SERIES_LIMIT) {
      return 1 - x * (1 - x * (0.5 - x * (1.0 / 6 - x * (1.0 / 24 - x * (1.0 / 120 - x * (1.0 / 720))))));
    }
    return Math.exp(-x);
  }
}
