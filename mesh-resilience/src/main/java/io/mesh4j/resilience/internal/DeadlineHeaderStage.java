package io.mesh4j.resilience.internal;

import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.resilience.InboundDeadline;
import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;

/**
 * ATTEMPT stage: tells the server how long the caller still waits, in whole milliseconds at send
 * time ({@value InboundDeadline#HEADER}), so that it can give up when nobody waits any more.
 */
final class DeadlineHeaderStage implements MeshStage {

  static final int ORDER = 100;

  @Override
  public Kind kind() {
    return Kind.ATTEMPT;
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    Request request = chain.request();
    CallDeadline deadline = request.tag(CallDeadline.class);
    if (deadline == null) {
      return chain.proceed(request);
    }
    String remaining = Long.toString(deadline.deadline().remainingMillis());
    return chain.proceed(request.newBuilder().header(InboundDeadline.HEADER, remaining).build());
  }
}
