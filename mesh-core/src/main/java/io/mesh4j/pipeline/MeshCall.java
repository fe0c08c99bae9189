package io.mesh4j.pipeline;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import java.util.List;
import java.util.Set;
import okhttp3.Call;

/**
 * The logical request to a mesh service, across all its attempts. Stages read it; only the
 * pipeline changes it.
 */
public interface MeshCall {

  /**
   * The logical service name the request is served by: the request's host, or, when that service
   * routes (see {@link #routedFrom()}), the service its router chose.
   */
  String service();

  /**
   * The routing service the caller addressed when its router sent this request to {@link
   * #service()} (e.g. the xDS listener's service whose route chose this cluster), or null when the
   * request was not routed. The request's {@code Host} stays the addressed name.
   */
  default String routedFrom() {
    return null;
  }

  /**
   * The service's configuration as captured when the request started; for a routed request, the
   * chosen service's with the route's overrides ({@code timeout}, {@code retry.*}, ...) set.
   */
  ServiceConfig config();

  /** The service as captured when the request started: configuration and discovery attributes. */
  io.mesh4j.spi.ServiceSnapshot serviceSnapshot();

  /** The name of the service's load-balancing policy ({@code mesh.services.<name>.lb}). */
  String loadBalancer();

  /** The OkHttp call carrying the request; cancel it to stop the request everywhere. */
  Call okHttpCall();

  /** Monotonic time ({@link io.mesh4j.time.MeshClock#nanoTime()}) the mesh accepted the request. */
  long startNanos();

  /**
   * True once the call's deadline has passed and the mesh cancelled the call: a cancelled OkHttp
   * call with this false was cancelled by its caller or by the mesh closing.
   */
  boolean deadlineExceeded();

  /**
   * Nanoseconds left until the call's deadline (negative once passed), or {@link Long#MAX_VALUE}
   * when it has none. The deadline is the service's {@code timeout}, unless a stage {@linkplain
   * #limitDeadline limited} it further.
   */
  long remainingNanos();

  /**
   * Brings the call's deadline forward to {@code remaining} from now when that is earlier (a later
   * one is ignored), for example to honour the deadline of the request being served. The mesh keeps
   * one timer per call; when it fires the call fails with {@link io.mesh4j.MeshTimeoutException}
   * whose message names {@code source}.
   *
   * @param source what the deadline is, for the message: {@code "the caller's deadline
   *     (x-mesh-deadline-ms)"}
   * @throws io.mesh4j.MeshTimeoutException when {@code remaining} is not positive: the call has no
   *     time left and must not proceed
   */
  void limitDeadline(java.time.Duration remaining, String source) throws io.mesh4j.MeshTimeoutException;

  /** Attempts made so far, oldest first. */
  List<MeshAttempt> attempts();

  /** Endpoints already tried, so that a retry can prefer another. */
  Set<Endpoint> triedEndpoints();

  /**
   * Runs {@code action} once when this request is over for the caller: its response body closed
   * or read to the end, or the request failed. For a stage that holds something for the request's
   * whole life (a bulkhead slot, a timer). Actions run on the thread that ends the request, in the
   * order given, and must not block or throw.
   */
  void whenComplete(Runnable action);
}
