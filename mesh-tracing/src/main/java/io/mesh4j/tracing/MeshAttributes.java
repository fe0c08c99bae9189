package io.mesh4j.tracing;

import io.opentelemetry.api.common.AttributeKey;

/** Attributes mesh4j adds to spans and metrics beyond the HTTP semantic conventions. */
public final class MeshAttributes {

  /** The logical service name, the host of the request URL ({@code orders}). */
  public static final AttributeKey<String> SERVICE = AttributeKey.stringKey("mesh.service");

  /** The endpoint an attempt went to, {@code host:port}. */
  public static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("mesh.endpoint");

  /** The load-balancing policy of the service ({@code round-robin} …, core's default included). */
  public static final AttributeKey<String> LB_POLICY = AttributeKey.stringKey("mesh.lb.policy");

  /**
   * On an attempt span: true when the attempt was cancelled because another attempt of the same
   * request (a hedge) answered first. Such a span has no error status; its metric point has
   * {@code error.type=superseded}.
   */
  public static final AttributeKey<Boolean> ATTEMPT_SUPERSEDED = AttributeKey.booleanKey("mesh.attempt.superseded");

  /** The SPIFFE ID in the peer's TLS certificate (mTLS attempts only). */
  public static final AttributeKey<String> PEER_SPIFFE_ID = AttributeKey.stringKey("mesh.peer.spiffe_id");

  /** Which endpoints a {@code mesh.service.endpoints} point counts: {@code eligible} or {@code excluded}. */
  public static final AttributeKey<String> ENDPOINT_STATE = AttributeKey.stringKey("mesh.endpoint.state");

  /**
   * A circuit breaker's state: on a logical span, the state that refused the request ({@code open},
   * {@code half_open}); on the {@code mesh.circuit_breaker.state} gauge, the state a point is about.
   */
  public static final AttributeKey<String> CIRCUIT_STATE = AttributeKey.stringKey("mesh.circuit_breaker.state");

  /** The SPIFFE ID of the workload's own SVID, on the {@code mesh.tls.svid.*} metrics. */
  public static final AttributeKey<String> SPIFFE_ID = AttributeKey.stringKey("mesh.spiffe_id");

  /** How a configuration change ended, on {@code mesh.config.reloads}: {@code applied} or {@code rejected}. */
  public static final AttributeKey<String> CONFIG_RESULT = AttributeKey.stringKey("result");

  private MeshAttributes() {}
}
