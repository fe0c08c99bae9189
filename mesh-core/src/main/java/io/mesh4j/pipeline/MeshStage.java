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

  /**
   * Lower runs outside higher, within a kind. Two stages of one kind may not share an order: the
   * client refuses to start, naming both. The built-in orders are in {@link StageOrder}; pick a
   * free one between the neighbours you need.
   */
  int order();

  /** A short name for messages: {@code retry}, {@code tracing}. */
  default String name() {
    return getClass().getSimpleName();
  }

  Response intercept(MeshChain chain) throws IOException;
}
