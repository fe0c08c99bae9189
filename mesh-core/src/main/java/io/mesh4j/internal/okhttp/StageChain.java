package io.mesh4j.internal.okhttp;

import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;

/** Runs the stages of one kind in order, then hands the request to the terminal step. */
final class StageChain implements MeshChain {

  /** What runs after the last stage. */
  @FunctionalInterface
  interface Terminal {
    /** @param attemptTimeout the per-try wire timeout set by a stage, or null for the client's */
    Response proceed(Request request, Duration attemptTimeout) throws IOException;
  }

  private final List<MeshStage> stages;
  private final int index;
  private final MeshCall call;
  private final MeshAttempt attempt;
  private final Request request;
  private final Terminal terminal;
  private final Duration attemptTimeout;

  StageChain(
      List<MeshStage> stages, int index, MeshCall call, MeshAttempt attempt, Request request, Terminal terminal) {
    this(stages, index, call, attempt, request, terminal, null);
  }

  private StageChain(
      List<MeshStage> stages,
      int index,
      MeshCall call,
      MeshAttempt attempt,
      Request request,
      Terminal terminal,
      Duration attemptTimeout) {
    this.stages = stages;
    this.index = index;
    this.call = call;
    this.attempt = attempt;
    this.request = request;
    this.terminal = terminal;
    this.attemptTimeout = attemptTimeout;
  }

  @Override
  public MeshChain withAttemptTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("attempt timeout must be positive: " + timeout);
    }
    return new StageChain(stages, index, call, attempt, request, terminal, timeout);
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
  public Response proceed(Request next) throws IOException {
    if (index >= stages.size()) {
      return terminal.proceed(next, attemptTimeout);
    }
    MeshStage stage = stages.get(index);
    Response response =
        stage.intercept(
            new StageChain(stages, index + 1, call, attempt, next, terminal, attemptTimeout));
    if (response == null) {
      throw new IllegalStateException("mesh stage " + stage.getClass().getName() + " returned null");
    }
    return response;
  }
}
