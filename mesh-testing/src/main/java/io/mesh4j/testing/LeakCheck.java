package io.mesh4j.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that a mesh leaves nothing running: take a snapshot before creating the client, close
 * it, then {@link #assertNoNewMeshThreads()}. Mesh threads are the ones named {@code mesh4j-*}.
 */
public final class LeakCheck {

  public static final String THREAD_PREFIX = "mesh4j-";

  private final Set<Thread> before;

  private LeakCheck(Set<Thread> before) {
    this.before = before;
  }

  /** Records the mesh threads alive now (normally none). */
  public static LeakCheck snapshot() {
    return new LeakCheck(Set.copyOf(meshThreads()));
  }

  /** Mesh threads alive now. */
  public static List<Thread> meshThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith(THREAD_PREFIX))
        .collect(Collectors.toList());
  }

  /** Waits up to 5 seconds for every mesh thread started since the snapshot to end, else fails naming them. */
  public void assertNoNewMeshThreads() {
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              List<String> leaked =
                  meshThreads().stream()
                      .filter(t -> !before.contains(t))
                      .map(Thread::getName)
                      .sorted()
                      .collect(Collectors.toList());
              if (!leaked.isEmpty()) {
                throw new AssertionError("mesh threads still alive after close: " + leaked);
              }
            });
  }
}
