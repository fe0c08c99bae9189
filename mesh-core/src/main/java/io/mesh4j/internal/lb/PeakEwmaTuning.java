package io.mesh4j.internal.lb;

import java.time.Duration;

/**
 * The constants of one peak-EWMA estimate (see {@link PeakEwmaLoad}); the first two come from the
 * service's keys, the others are fixed (chosen from the measurements in docs/load-balancing.md).
 *
 * @param decayNanos time constant of the decay towards zero of an endpoint without samples
 * @param defaultRttNanos the estimate of an endpoint that has no sample yet
 * @param lowerSampleWeight how far towards a lower sample one sample moves the estimate
 * @param failureFactor a failure is a peak of at least this times the last estimate
 * @param failureCapNanos ... but a failure alone never raises the estimate above this
 */
record PeakEwmaTuning(
    double decayNanos, double defaultRttNanos, double lowerSampleWeight, double failureFactor,
    double failureCapNanos) {

  /** 1/8: a lone peak is halved after 6 lower samples and under 2 % after 30. */
  static final double LOWER_SAMPLE_WEIGHT = 1.0 / 8;

  /** A failure doubles the estimate: a black hole's retries back off. */
  static final double FAILURE_FACTOR = 2;

  /** 10 s: bounds how rarely an endpoint that keeps failing fast is tried again. */
  static final Duration FAILURE_CAP = Duration.ofSeconds(10);

  PeakEwmaTuning {
    if (!(decayNanos > 0) || !(defaultRttNanos >= 0) || !(lowerSampleWeight > 0 && lowerSampleWeight <= 1)
        || !(failureFactor >= 1) || !(failureCapNanos >= 0)) {
      throw new IllegalArgumentException("bad peak-EWMA tuning " + this);
    }
  }

  /** The fixed constants with the service's decay and default RTT. */
  static PeakEwmaTuning of(Duration decay, Duration defaultRtt) {
    return new PeakEwmaTuning(
        decay.toNanos(), defaultRtt.toNanos(), LOWER_SAMPLE_WEIGHT, FAILURE_FACTOR, FAILURE_CAP.toNanos());
  }

  PeakEwmaTuning withLowerSampleWeight(double weight) {
    return new PeakEwmaTuning(decayNanos, defaultRttNanos, weight, failureFactor, failureCapNanos);
  }

  PeakEwmaTuning withFailureFactor(double factor) {
    return new PeakEwmaTuning(decayNanos, defaultRttNanos, lowerSampleWeight, factor, failureCapNanos);
  }
}
