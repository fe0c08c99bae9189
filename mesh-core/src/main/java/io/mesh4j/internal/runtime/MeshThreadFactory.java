package io.mesh4j.internal.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code mesh4j-<purpose>-N}, so leak checks and thread dumps can find them. */
public final class MeshThreadFactory implements ThreadFactory {

  public static final String PREFIX = "mesh4j-";

  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  public MeshThreadFactory(String purpose) {
    this.prefix = PREFIX + purpose + "-";
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread t = new Thread(task, prefix + next.getAndIncrement());
    t.setDaemon(true);
    return t;
  }
}
