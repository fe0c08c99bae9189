package io.mesh4j.pipeline;

/**
 * The orders of the built-in stages: distinct within a kind (a tie fails startup), so that a
 * third-party stage can place itself between two of them.
 *
 * <pre>
 * CALL:    100 tracing (one span per request) → 120 deadline (caller's deadline) → 150 bulkhead
 *          → 200 circuit breaker → 300 retry
 * ATTEMPT: 100 tracing (one span per attempt) → 200 deadline header → 900 outlier feedback
 * </pre>
 */
public final class StageOrder {

  public static final int CALL_TRACING = 100;
  public static final int CALL_DEADLINE = 120;
  public static final int CALL_BULKHEAD = 150;
  public static final int CALL_CIRCUIT_BREAKER = 200;
  public static final int CALL_RETRY = 300;

  public static final int ATTEMPT_TRACING = 100;
  public static final int ATTEMPT_DEADLINE_HEADER = 200;
  public static final int ATTEMPT_OUTLIER_FEEDBACK = 900;

  private StageOrder() {}
}
