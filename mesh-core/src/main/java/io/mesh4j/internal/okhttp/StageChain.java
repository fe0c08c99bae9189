package io.mesh4j.internal.okhttp;

import io.mesh4j.pipeline.ConcurrentAttempts;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Runs the stages of one kind in order, then hands the request to the terminal step.
 *
 * <p>Each stage gets a chain of its own, immutable: a stage may keep it past its {@code intercept}
 * (a completion action reading {@link #request()}) or proceed from another thread (a hand-made
 * timeout), so a chain shared by the stages of one run, moved on and back, would show them another
 * stage's position.
 */
final class StageChain implements MeshChain {

  /** What runs after the last stage. */
  @FunctionalInterface
  interface Terminal {
    /** @param attemptTimeout the per-try wire timeout set by a stage, or null for the client's */
    Response proceed(Request request, Duration attemptTimeout) throws IOException;
  }

  /** Runs the rest of a CALL pipeline as concurrent attempts, each on an OkHttp call of its own. */
  @FunctionalInterface
  interface Detacher {
    /** @param index the first stage the attempts run */
    ConcurrentAttempts detach(int index, Duration attemptTimeout, Runnable onCallCancelled);
  }

  private final List<MeshStage> stages;
  private final int index;
  private final MeshCall call;
  private final MeshAttempt attempt;
  private final Request request;
  private final Terminal terminal;
  private final Duration attemptTimeout;
  /** The OkHttp call this chain's attempt travels on: the logical call's, or a concurrent attempt's. */
  private final Call carrier;
  /** Null where attempts cannot be detached: ATTEMPT chains, and concurrent attempts themselves. */
  private final Detacher detacher;

  StageChain(
      List<MeshStage> stages,
      int index,
      MeshCall call,
      MeshAttempt attempt,
      Request request,
      Terminal terminal,
      Duration attemptTimeout,
      Call carrier,
      Detacher detacher) {
    this.stages = stages;
    this.index = index;
    this.call = call;
    this.attempt = attempt;
    this.request = request;
    this.terminal = terminal;
    this.attemptTimeout = attemptTimeout;
    this.carrier = carrier;
    this.detacher = detacher;
  }

  @Override
  public MeshChain withAttemptTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("attempt timeout must be positive: " + timeout);
    }
    return new StageChain(stages, index, call, attempt, request, terminal, timeout, carrier, detacher);
  }

  @Override
  public MeshCall call() {
    return call;
  }

  @Override
  public MeshAttempt attempt() {
    return attempt;
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public boolean isCanceled() {
    return carrier.isCanceled();
  }

  @Override
  public ConcurrentAttempts concurrentAttempts(Runnable onCallCancelled) {
    if (detacher == null) {
      throw new UnsupportedOperationException(
          attempt != null
              ? "an ATTEMPT stage cannot run attempts concurrently"
              : "an attempt that runs concurrently cannot start more");
    }
    java.util.Objects.requireNonNull(onCallCancelled, "onCallCancelled");
    return detacher.detach(index, attemptTimeout, onCallCancelled);
  }

  @Override
  public Response proceed(Request next) throws IOException {
    if (index >= stages.size()) {
      return terminal.proceed(next, attemptTimeout);
    }
    MeshStage stage = stages.get(index);
    Response response =
        stage.intercept(
            new StageChain(stages, index + 1, call, attempt, next, terminal, attemptTimeout, carrier, detacher));
    if (response == null) {
      throw new IllegalStateException("mesh stage " + stage.getClass().getName() + " returned null");
    }
    return response;
  }
}
