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
}
