package io.mesh4j.pipeline;

import java.io.IOException;
import okhttp3.Response;

/**
 * One step of the pipeline that every request to a mesh service goes through, like an OkHttp
 * interceptor. A {@link Kind#CALL} stage wraps the whole logical request and may proceed several
 * times (retries); an {@link Kind#ATTEMPT} stage wraps one attempt, after its endpoint is picked.
 */
public interface MeshStage {

  /** Where a stage sits. */
  enum Kind {
    CALL,
    ATTEMPT
  }

  Kind kind();

  /** Lower runs outside higher, within a kind. Tracing ~100, circuit breaking ~200, retries ~300. */
  int order();

  Response intercept(MeshChain chain) throws IOException;
}
