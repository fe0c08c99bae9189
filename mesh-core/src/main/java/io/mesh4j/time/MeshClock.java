package io.mesh4j.time;

/**
 * The mesh's source of time. Timers and latency use {@link #nanoTime()} (monotonic, immune to
 * wall-clock jumps); only certificate validity uses {@link #wallMillis()}. Tests swap in a
 * controllable clock.
 */
public interface MeshClock {

  MeshClock SYSTEM =
      new MeshClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long wallMillis() {
          return System.currentTimeMillis();
        }
      };

  /** Monotonic nanoseconds, only meaningful as differences. */
  long nanoTime();

  /** Milliseconds since the epoch, for comparing with certificate dates. */
  long wallMillis();
}
