package io.mesh4j.internal.okhttp;

import io.mesh4j.MeshTimeoutException;
import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.runtime.RouteSnapshot;
import io.mesh4j.internal.runtime.TrackedCall;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.spi.ServiceSnapshot;
import io.mesh4j.time.MeshClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.Call;

/**
 * One logical mesh request, on the route snapshot it started with. Attempts are recorded by the
 * pipeline on the request's thread; the deadline is kept by a {@link CallDeadline}, created only
 * when the call gets one (a {@code timeout}, or a stage limiting it): most calls pay nothing.
 */
final class MeshCallImpl extends TrackedCall implements MeshCall {

  private final RouteSnapshot snapshot;
  private final Call okHttpCall;
  private final long startNanos;
  private final MeshClock clock;
  private final ScheduledExecutorService scheduler;
  private volatile CallDeadline deadline; // null while the call has no deadline
  // Copy-on-write: attempts are few (usually one), reads happen on every pick and stage.
  private volatile List<MeshAttempt> attempts = List.of();
  private volatile Set<Endpoint> tried = Set.of();
  // The first action registered, then a list for any more: most requests register none or one.
  private Runnable firstCompletionAction; // guarded by this
  private List<Runnable> moreCompletionActions; // guarded by this
  private boolean completed; // guarded by this
  private final String routedFrom; // the routing service the caller addressed, or null
  private final String routeHashKey; // the route's hash key, or null
  private final long discoveryWaitUntil; // until when an attempt may wait for the service's first answer

  MeshCallImpl(
      RouteSnapshot snapshot, Call okHttpCall, long startNanos, MeshClock clock, ScheduledExecutorService scheduler) {
    this(snapshot, null, null, okHttpCall, startNanos, clock, scheduler);
  }

  MeshCallImpl(RouteSnapshot snapshot, String routedFrom, String routeHashKey, Call okHttpCall, long startNanos,
      MeshClock clock, ScheduledExecutorService scheduler) {
    this(snapshot, routedFrom, routeHashKey, okHttpCall, startNanos,
        DiscoveryWait.until(startNanos, snapshot.initialWait()), clock, scheduler);
  }

  /**
   * A call routed by {@code routedFrom}'s router to the service of {@code snapshot} (with the
   * route's overrides), hashed by {@code routeHashKey} when not null; its attempts wait for the
   * service's first discovery answer until {@code discoveryWaitUntil} (clock nanos).
   */
  MeshCallImpl(RouteSnapshot snapshot, String routedFrom, String routeHashKey, Call okHttpCall, long startNanos,
      long discoveryWaitUntil, MeshClock clock, ScheduledExecutorService scheduler) {
    this.discoveryWaitUntil = discoveryWaitUntil;
    this.routedFrom = routedFrom;
    this.routeHashKey = routeHashKey;
    this.snapshot = snapshot;
    this.okHttpCall = okHttpCall;
    this.startNanos = startNanos;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  RouteSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public String routedFrom() {
    return routedFrom;
  }

  /**
   * Until when (clock nanos) an attempt may wait for the service's first discovery answer: the
   * service's initial-wait counted from the request's start, so a routed request that waited for
   * its router waits for its target only for what is left.
   */
  long discoveryWaitUntil() {
    return discoveryWaitUntil;
  }

  /** The hash key the route chose for this request, or null (then the service's lb.hash-header applies). */
  String routeHashKey() {
    return routeHashKey;
  }

  /**
   * Starts the service's {@code timeout} for this call, if it has one.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the client is closing
   */
  void startTimeout(Duration timeout) {
    startTimeout(timeout, null);
  }

  /** As {@link #startTimeout(Duration)}, for a timeout that is not the service's own key ({@code source}: what it is). */
  void startTimeout(Duration timeout, String source) {
    if (timeout != null) {
      deadlineCreated().start(timeout, startNanos, source);
    }
  }

  /** The exception for the deadline that fired. */
  IOException timeoutException() {
    return timeoutException(null);
  }

  /** The exception for the deadline that fired, saying what the attempt under way was doing. */
  IOException timeoutException(String during) {
    CallDeadline d = deadline;
    return d != null ? d.exception(during) : new MeshTimeoutException(snapshot.name(), "timed out"
        + (during == null ? "" : " during: " + during));
  }

  private CallDeadline deadlineCreated() {
    CallDeadline d = deadline;
    if (d == null) {
      synchronized (this) {
        d = deadline;
        if (d == null) {
          d = new CallDeadline(snapshot.name(), okHttpCall, clock, scheduler);
          if (completed) {
            d.cancel(); // over already: its timer must never start
          }
          deadline = d;
        }
      }
    }
    return d;
  }

  synchronized MeshAttempt newAttempt(Endpoint endpoint) {
    MeshAttempt attempt = new MeshAttempt(snapshot.name(), endpoint, attempts.size() + 1);
    if (attempts.isEmpty()) {
      // The usual case, without the copies: what List.copyOf of one element returns, and an
      // immutable one-element set (contains(null) is false, as for the LinkedHashSet view below).
      attempts = List.of(attempt);
      tried = Collections.singleton(endpoint);
      return attempt;
    }
    List<MeshAttempt> nextAttempts = new ArrayList<>(attempts);
    nextAttempts.add(attempt);
    attempts = List.copyOf(nextAttempts);
    if (!tried.contains(endpoint)) {
      Set<Endpoint> nextTried = new LinkedHashSet<>(tried);
      nextTried.add(endpoint);
      tried = Collections.unmodifiableSet(nextTried);
    }
    return attempt;
  }

  @Override
  public boolean deadlineExceeded() {
    CallDeadline d = deadline;
    return d != null && d.exceeded();
  }

  @Override
  public long remainingNanos() {
    CallDeadline d = deadline;
    return d == null ? Long.MAX_VALUE : d.remainingNanos();
  }

  @Override
  public void limitDeadline(Duration remaining, String source) throws MeshTimeoutException {
    java.util.Objects.requireNonNull(remaining, "remaining");
    deadlineCreated().limit(remaining, source);
  }

  @Override
  public String service() {
    return snapshot.name();
  }

  @Override
  public ServiceConfig config() {
    return snapshot.config();
  }

  @Override
  public ServiceSnapshot serviceSnapshot() {
    return snapshot;
  }

  @Override
  public String loadBalancer() {
    return snapshot.policyName();
  }

  @Override
  public Call okHttpCall() {
    return okHttpCall;
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public void whenComplete(Runnable action) {
    java.util.Objects.requireNonNull(action, "action");
    synchronized (this) {
      if (!completed) {
        if (firstCompletionAction == null) {
          firstCompletionAction = action;
        } else {
          if (moreCompletionActions == null) {
            moreCompletionActions = new ArrayList<>(2);
          }
          moreCompletionActions.add(action);
        }
        return;
      }
    }
    action.run(); // already over: run at once rather than never
  }

  /** Ends the request for the caller; runs the registered actions once. */
  @Override
  public void complete() {
    Runnable first;
    List<Runnable> more;
    synchronized (this) {
      if (completed) {
        return;
      }
      completed = true;
      first = firstCompletionAction;
      more = moreCompletionActions;
      firstCompletionAction = null;
      moreCompletionActions = null;
    }
    CallDeadline d = deadline;
    if (d != null) {
      d.cancel();
    }
    if (first == null) {
      return;
    }
    runCompletionAction(first); // in the order registered
    if (more != null) {
      for (Runnable action : more) {
        runCompletionAction(action);
      }
    }
  }

  private void runCompletionAction(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(MeshCallImpl.class)
          .warn("completion action of a request to '{}' failed", service(), e);
    }
  }

  @Override
  public List<MeshAttempt> attempts() {
    return attempts;
  }

  @Override
  public Set<Endpoint> triedEndpoints() {
    return tried;
  }
}
