package io.mesh4j.resilience.internal;

import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import java.io.IOException;
import java.util.Map;
import okhttp3.Response;

/**
 * ATTEMPT stage, innermost: tells outlier detection how each attempt on its endpoint went. This is
 * the feedback half of outlier detection; {@link EndpointHealthFilter} is the selection half.
 */
final class OutlierFeedbackStage implements MeshStage {

  private final Map<String, ServiceResilience> services;

  OutlierFeedbackStage(Map<String, ServiceResilience> services) {
    this.services = services;
  }

  @Override
  public Kind kind() {
    return Kind.ATTEMPT;
  }

  @Override
  public int order() {
    return StageOrder.ATTEMPT_OUTLIER_FEEDBACK;
  }

  @Override
  public String name() {
    return "outlier-feedback";
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    MeshAttempt attempt = chain.attempt();
    ServiceResilience service = services.get(attempt.service());
    OutlierDetector detector = service == null ? null : service.outlierDetector();
    if (detector == null) {
      return chain.proceed(chain.request());
    }
    Response response;
    try {
      response = chain.proceed(chain.request());
    } catch (IOException e) {
      // A cancelled call says nothing of the endpoint, and neither does a failure of our own
      // (the caller's request body throwing, a protocol error): count connect failures, resets
      // and timeouts only, as documented.
      // (A hedge cancelled because another attempt answered first is cancelled too: chain.isCanceled.)
      if (!chain.isCanceled() && FailureKind.isEndpointFailure(e, AttemptProgress.of(chain.request()))) {
        detector.record(attempt.endpoint(), false);
      }
      throw e;
    }
    detector.record(attempt.endpoint(), !service.failureStatuses().contains(response.code()));
    return response;
  }
}
