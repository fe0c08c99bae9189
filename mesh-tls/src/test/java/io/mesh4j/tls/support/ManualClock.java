package io.mesh4j.tls.support;

import io.mesh4j.time.MeshClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand; wall time starts at the real time. */
public final class ManualClock implements MeshClock {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicLong wall = new AtomicLong(System.currentTimeMillis());

  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    wall.addAndGet(d.toMillis());
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long wallMillis() {
    return wall.get();
  }
}
