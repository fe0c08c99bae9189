package io.mesh4j.resilience.internal;

import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.resilience.Deadline;
import io.mesh4j.resilience.InboundDeadline;
import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Outermost resilience CALL stage: brings the call's one deadline (core's, from the service's
 * {@code timeout}) forward to the inbound deadline of the request being served, when that is
 * earlier: a {@link Deadline} tag, else {@link InboundDeadline#current()}. Core's timer then fails
 * the call with {@link io.mesh4j.MeshTimeoutException} naming the caller's deadline; an inbound
 * deadline already passed fails it at once, before anything is sent.
 */
final class DeadlineStage implements MeshStage {

  static final String SOURCE = "the caller's deadline (" + InboundDeadline.HEADER + ")";

  @Override
  public Kind kind() {
    return Kind.CALL;
  }

  @Override
  public int order() {
    return StageOrder.CALL_DEADLINE;
  }

  @Override
  public String name() {
    return "deadline";
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    Request request = chain.request();
    Deadline inbound = request.tag(Deadline.class);
    if (inbound == null) {
      inbound = InboundDeadline.current().orElse(null);
    }
    if (inbound != null) {
      chain.call().limitDeadline(inbound.remaining(), SOURCE);
    }
    return chain.proceed(request);
  }
}
