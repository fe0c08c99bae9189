package io.mesh4j.tracing;

import io.mesh4j.pipeline.ConcurrentAttempts;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.slf4j.MDC;

/**
 * Stands in for mesh-resilience's hedging: a CALL stage inside tracing's that starts the first
 * attempt on the client's dispatcher, sends a second on the caller's thread once the first has
 * reached the backend ({@link #firstArrived}, counted down by the test's backend), and cancels the
 * first. An ATTEMPT stage records the caller's {@code request-id} MDC entry as each attempt sees it.
 */
final class HedgeOnceModule implements MeshModule {

  final CountDownLatch firstArrived = new CountDownLatch(1);
  final List<String> requestIdsSeen = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return "hedge-once";
  }

  @Override
  public String artifactId() {
    return "mesh-test-hedge-once";
  }

  @Override
  public MeshExtension create(MeshContext context) {
    MeshStage hedge = new MeshStage() {
      @Override
      public Kind kind() {
        return Kind.CALL;
      }

      @Override
      public int order() {
        return StageOrder.CALL_RETRY;
      }

      @Override
      public Response intercept(MeshChain chain) throws IOException {
        ConcurrentAttempts attempts = chain.concurrentAttempts(() -> {});
        ConcurrentAttempts.Attempt first = attempts.newAttempt(chain.request());
        first.start(new ConcurrentAttempts.Callback() {
          @Override
          public void onResponse(Response response) {
            response.close();
          }

          @Override
          public void onFailure(IOException failure) {}
        });
        try {
          if (!firstArrived.await(10, TimeUnit.SECONDS)) {
            throw new IOException("the first attempt never reached the backend");
          }
        } catch (InterruptedException e) {
          throw new InterruptedIOException();
        }
        Response second = attempts.newAttempt(chain.request()).execute();
        first.cancel();
        return second;
      }
    };
    MeshStage recorder = new MeshStage() {
      @Override
      public Kind kind() {
        return Kind.ATTEMPT;
      }

      @Override
      public int order() {
        return 500;
      }

      @Override
      public Response intercept(MeshChain chain) throws IOException {
        requestIdsSeen.add(String.valueOf(MDC.get("request-id")));
        return chain.proceed(chain.request());
      }
    };
    return new MeshExtension() {
      @Override
      public List<MeshStage> stages() {
        return List.of(hedge, recorder);
      }
    };
  }
}
