package io.mesh4j.discovery.etcd.internal;

import java.time.Duration;

/** A pause a loop takes between attempts, cut short by {@link #wake()} (a refresh, or closing). */
final class Wakeup {

  private boolean woken;

  /** Waits up to {@code pause}; returns early when woken (since the last pause) or interrupted. */
  synchronized void pause(Duration pause) throws InterruptedException {
    long deadline = System.nanoTime() + pause.toNanos();
    while (!woken) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000), 0);
    }
    woken = false;
  }

  synchronized void wake() {
    woken = true;
    notifyAll();
  }
}
