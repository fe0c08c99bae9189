package io.mesh4j.resilience.internal;

import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import java.io.IOException;
import java.util.Map;
import okhttp3.Response;

/**
 * ATTEMPT stage, innermost: tells outlier detection how each attempt on its endpoint went. This is
 * the feedback half of outlier detection; {@link EndpointHealthFilter} is the selection half.
 */
final class OutlierFeedbackStage implements MeshStage {

  static final int ORDER = 900;

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
    return ORDER;
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
    } catch (IOException | RuntimeException e) {
      if (!chain.call().okHttpCall().isCanceled()) { // a cancelled call says nothing of the endpoint
        detector.record(attempt.endpoint(), false);
      }
      throw e;
    }
    detector.record(attempt.endpoint(), !service.failureStatuses().contains(response.code()));
    return response;
  }
}
