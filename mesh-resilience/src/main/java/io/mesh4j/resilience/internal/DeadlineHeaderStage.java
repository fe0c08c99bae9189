package io.mesh4j.resilience.internal;

import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.resilience.InboundDeadline;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;

/**
 * ATTEMPT stage: tells the server how long the caller still waits, in whole milliseconds at send
 * time ({@value InboundDeadline#HEADER}), so that it can give up when nobody waits any more. The
 * time is what is left of the call's one deadline; a call without a deadline sends no header.
 */
final class DeadlineHeaderStage implements MeshStage {

  @Override
  public Kind kind() {
    return Kind.ATTEMPT;
  }

  @Override
  public int order() {
    return StageOrder.ATTEMPT_DEADLINE_HEADER;
  }

  @Override
  public String name() {
    return "deadline-header";
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    Request request = chain.request();
    long remainingNanos = chain.call().remainingNanos();
    if (remainingNanos == Long.MAX_VALUE) {
      return chain.proceed(request);
    }
    String millis = Long.toString(Math.max(0, TimeUnit.NANOSECONDS.toMillis(remainingNanos)));
    return chain.proceed(request.newBuilder().header(InboundDeadline.HEADER, millis).build());
  }
}
