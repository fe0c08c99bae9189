package io.mesh4j.tracing.internal;

import io.mesh4j.pipeline.MeshCall;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tracing.MeshAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Outermost CALL stage: one INTERNAL span for the logical request ({@code GET orders}) that the
 * CLIENT span of every attempt is a child of, so retries stay in one trace; the span is current
 * and its ids are in the MDC while the mesh works on the request. It runs outside the deadline,
 * bulkhead, circuit breaker and retries ({@link StageOrder}), so their work happens in its span; a
 * recording span is also the {@link CallSpan} their events (a circuit rejection) annotate.
 */
final class CallTracingStage implements MeshStage {

  private final Tracer tracer;
  /** The API's no-op tracer (no SDK): its spans only carry the caller's context on. */
  private final boolean noopTracer;
  private final CallSpanNames names = new CallSpanNames();
  private final HttpClientMetrics metrics;
  private final MeshClock clock;

  CallTracingStage(Tracer tracer, HttpClientMetrics metrics, MeshClock clock) {
    this.tracer = tracer;
    this.noopTracer = NoopTracing.isNoop(tracer);
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Kind kind() {
    return Kind.CALL;
  }

  @Override
  public int order() {
    return StageOrder.CALL_TRACING;
  }

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    MeshCall call = chain.call();
    Request request = chain.request();
    String method = request.method();
    Span span =
        noopTracer
            ? NoopTracing.span()
            : tracer.spanBuilder(names.of(method, call.service())).setSpanKind(SpanKind.INTERNAL).startSpan();
    if (span.isRecording()) {
      span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, HttpSemconv.method(method));
      if (HttpSemconv.isOtherMethod(method)) {
        span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD_ORIGINAL, method);
      }
      span.setAttribute(HttpSemconv.URL_FULL, UrlRedaction.fullUrl(request.url()));
      span.setAttribute(MeshAttributes.SERVICE, call.service());
      span.setAttribute(MeshAttributes.LB_POLICY, call.loadBalancer());
    }
    // Nothing records this request (no SDK behind the tracer, or not sampled, and no metrics): no
    // outcome to build, no attempt to look up.
    boolean recorded = metrics.enabled() || span.isRecording();
    long start = recorded ? clock.nanoTime() : 0;
    Response response;
    // An invalid span (no SDK and no valid caller span) is what Span.current() already is: making
    // it current would only allocate a context and a scope per request.
    try (Scope scope = makeCurrent(span, call.service());
        MdcScope mdc = MdcScope.open(span.getSpanContext())) {
      response = chain.proceed(request);
    } catch (IOException | RuntimeException | Error e) {
      if (recorded) {
        end(span, call, method, start, Outcome.of(e), null);
      } else {
        span.end();
      }
      throw e;
    }
    if (recorded) {
      // the attempt that answered: with hedging, not necessarily the last one started
      end(span, call, method, start, Outcome.of(response), response.request().tag(io.mesh4j.pipeline.MeshAttempt.class));
    } else {
      span.end();
    }
    return response;
  }

  /** A recording span is also the {@link CallSpan} that events of the request annotate. */
  private static Scope makeCurrent(Span span, String service) {
    if (span.isRecording()) {
      return CallSpan.in(Context.current(), span, service).makeCurrent();
    }
    return span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop();
  }

  private void end(
      Span span, MeshCall call, String method, long start, Outcome outcome, io.mesh4j.pipeline.MeshAttempt answered) {
    List<io.mesh4j.pipeline.MeshAttempt> attempts = call.attempts();
    metrics.requestEnded(method, call.service(), clock.nanoTime() - start, attempts.size(), outcome);
    if (span.isRecording()) {
      if (!attempts.isEmpty()) {
        io.mesh4j.pipeline.MeshAttempt last = answered != null ? answered : attempts.get(attempts.size() - 1);
        span.setAttribute(HttpSemconv.SERVER_ADDRESS, last.endpoint().host());
        span.setAttribute(HttpSemconv.SERVER_PORT, (long) last.endpoint().port());
        span.setAttribute(MeshAttributes.ENDPOINT, last.endpoint().authority());
      }
      if (attempts.size() > 1) {
        span.setAttribute(HttpSemconv.HTTP_REQUEST_RESEND_COUNT, (long) attempts.size() - 1);
      }
      outcome.applyTo(span);
    }
    span.end();
  }
}
