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
  private final HttpClientMetrics metrics;
  private final MeshClock clock;

  CallTracingStage(Tracer tracer, HttpClientMetrics metrics, MeshClock clock) {
    this.tracer = tracer;
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
        tracer
            .spanBuilder(HttpSemconv.spanName(method) + " " + call.service())
            .setSpanKind(SpanKind.INTERNAL)
            .startSpan();
    if (span.isRecording()) {
      span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, HttpSemconv.method(method));
      if (HttpSemconv.isOtherMethod(method)) {
        span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD_ORIGINAL, method);
      }
      span.setAttribute(HttpSemconv.URL_FULL, UrlRedaction.fullUrl(request.url()));
      span.setAttribute(MeshAttributes.SERVICE, call.service());
      span.setAttribute(MeshAttributes.LB_POLICY, call.loadBalancer());
    }
    long start = clock.nanoTime();
    Outcome outcome;
    Response response;
    // An invalid span (no SDK and no valid caller span) is what Span.current() already is: making
    // it current would only allocate a context and a scope per request.
    try (Scope scope = makeCurrent(span, call.service());
        MdcScope mdc = MdcScope.open(span.getSpanContext())) {
      response = chain.proceed(request);
      outcome = Outcome.of(response);
    } catch (IOException | RuntimeException | Error e) {
      end(span, call, method, start, Outcome.of(e), null);
      throw e;
    }
    // the attempt that answered: with hedging, not necessarily the last one started
    end(span, call, method, start, outcome, response.request().tag(io.mesh4j.pipeline.MeshAttempt.class));
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
