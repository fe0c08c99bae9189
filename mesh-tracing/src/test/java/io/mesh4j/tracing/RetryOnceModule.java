package io.mesh4j.tracing;

import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.io.IOException;
import java.util.List;
import okhttp3.Response;

/** Stands in for mesh-resilience's retries: a CALL stage inside tracing's that retries a 5xx once. */
final class RetryOnceModule implements MeshModule {

  @Override
  public String name() {
    return "retry-once";
  }

  @Override
  public String artifactId() {
    return "mesh-test-retry-once";
  }

  @Override
  public MeshExtension create(MeshContext context) {
    MeshStage retry =
        new MeshStage() {
          @Override
          public Kind kind() {
            return Kind.CALL;
          }

          @Override
          public int order() {
            return StageOrder.CALL_RETRY;
          }

          @Override
          public String name() {
            return "retry-once";
          }

          @Override
          public Response intercept(MeshChain chain) throws IOException {
            Response first = chain.proceed(chain.request());
            if (first.code() < 500) {
              return first;
            }
            first.close();
            return chain.proceed(chain.request());
          }
        };
    return new MeshExtension() {
      @Override
      public List<MeshStage> stages() {
        return List.of(retry);
      }
    };
  }
}
