package io.mesh4j.pipeline;

import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;

/** The rest of the pipeline, as seen by a {@link MeshStage}. */
public interface MeshChain {

  /** The logical request this chain belongs to. */
  MeshCall call();

  /**
   * The current attempt: its endpoint and number. Null in {@link MeshStage.Kind#CALL} stages,
   * which run before an endpoint is picked.
   */
  MeshAttempt attempt();

  /** The request as it stands: the logical URL ({@code http://orders/...}) in CALL stages. */
  Request request();

  /** Runs the rest of the pipeline; a CALL stage may call it again to retry. */
  Response proceed(Request request) throws IOException;

  /**
   * A chain whose attempts use this connect, read and write timeout on the wire (a per-try
   * timeout: a stalled endpoint fails the attempt, not the whole request). Applies to attempts
   * made through the returned chain, so a CALL stage sets it before it proceeds.
   */
  MeshChain withAttemptTimeout(java.time.Duration timeout);

  /**
   * True once the OkHttp call carrying this chain's attempt was cancelled: the logical call's own
   * (by its caller, its deadline, the mesh closing) or, for an attempt of {@link
   * ConcurrentAttempts}, its own (another attempt answered first). A failure that follows says
   * nothing about the endpoint.
   */
  default boolean isCanceled() {
    return call().okHttpCall().isCanceled();
  }

  /**
   * For a CALL stage that runs attempts at the same time (hedging): attempts of the rest of the
   * pipeline, each on an OkHttp call of its own, with this chain's attempt timeout. Call it on the
   * request's thread, which it captures the context of (see {@link ConcurrentAttempts}). When the
   * logical call is cancelled, every attempt is cancelled and then {@code onCallCancelled} runs,
   * once, on the cancelling thread: it must not block.
   *
   * @throws UnsupportedOperationException in ATTEMPT stages and in attempts that run concurrently
   *     already
   */
  default ConcurrentAttempts concurrentAttempts(Runnable onCallCancelled) {
    throw new UnsupportedOperationException("this chain cannot run attempts concurrently");
  }
}
