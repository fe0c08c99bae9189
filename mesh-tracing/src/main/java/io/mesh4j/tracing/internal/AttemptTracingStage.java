package io.mesh4j.tracing.internal;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tracing.MeshAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Outermost ATTEMPT stage: one CLIENT span per physical request, as the HTTP semantic conventions
 * ask for resends ({@code http.request.resend_count} on retries), its context injected into the
 * request's headers, and the semconv client metrics. Started before the connection is made, so a
 * connect failure is an attempt span too. When another instrumentation makes the attempt's CLIENT
 * span ({@link AttemptSpanOwner}), the attempt span is INTERNAL, the other's CLIENT span its child,
 * and the semconv client metrics are the other's.
 */
final class AttemptTracingStage implements MeshStage {

  private final Tracer tracer;
  /** The API's no-op tracer (no SDK): its spans only carry the caller's context on. */
  private final boolean noopTracer;
  private final TextMapPropagator propagator;
  private final HttpClientMetrics metrics;
  private final MeshClock clock;
  private final AttemptSpanOwner owner;

  AttemptTracingStage(
      Tracer tracer,
      TextMapPropagator propagator,
      HttpClientMetrics metrics,
      MeshClock clock,
      AttemptSpanOwner owner) {
    this.tracer = tracer;
    this.noopTracer = NoopTracing.isNoop(tracer);
    this.propagator = propagator;
    this.metrics = metrics;
    this.clock = clock;
    this.owner = owner;
  }

  @Override
  public Kind kind() {
    return Kind.ATTEMPT;
  }

  @Override
  public int order() {
    return StageOrder.ATTEMPT_TRACING;
  }

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public Response intercept(MeshChain chain) throws IOException {
    MeshAttempt attempt = chain.attempt();
    Endpoint endpoint = attempt.endpoint();
    Request request = chain.request();
    String method = request.method();
    Span span;
    HttpClientMetrics attemptMetrics;
    if (noopTracer && !metrics.enabled()) {
      // neither the span's kind nor the metrics matter: the no-op span is the caller's context
      span = NoopTracing.span();
      attemptMetrics = HttpClientMetrics.DISABLED;
    } else {
      boolean otherMakesClientSpan = owner.otherMakesClientSpan(request);
      attemptMetrics = otherMakesClientSpan ? HttpClientMetrics.DISABLED : metrics;
      span =
          noopTracer
              ? NoopTracing.span()
              : tracer
                  .spanBuilder(HttpSemconv.spanName(method))
                  .setSpanKind(otherMakesClientSpan ? SpanKind.INTERNAL : SpanKind.CLIENT)
                  .startSpan();
    }
    // An invalid span (no SDK and no valid caller span) is what Span.current() already is: the
    // current context then carries the same (baggage, propagation) without a copy and a scope.
    boolean valid = span.getSpanContext().isValid();
    Context context = valid ? Context.current().with(span) : Context.current();
    RequestHeaderCarrier carrier = new RequestHeaderCarrier(request);
    // An invalid context (no SDK, no caller span) is never written: the propagators skip it. The
    // other instrumentation, when there is one, writes its CLIENT span's context over these headers.
    propagator.inject(context, carrier, RequestHeaderCarrier.SETTER);
    if (span.isRecording()) {
      describe(span, request, attempt);
      carrier.builder().tag(AttemptSpan.class, new AttemptSpan(span));
    }
    Request outgoing = carrier.build();
    Attributes active = attemptMetrics.attemptStarted(method, request.url().scheme(), endpoint, attempt.service());
    // Nothing records this attempt (no SDK behind the tracer, or not sampled, and no metrics): no
    // outcome to build.
    boolean recorded = attemptMetrics.enabled() || span.isRecording();
    long start = recorded ? clock.nanoTime() : 0;
    Response response;
    try (Scope scope = valid ? context.makeCurrent() : Scope.noop();
        MdcScope mdc = MdcScope.open(span.getSpanContext())) {
      response = chain.proceed(outgoing);
    } catch (IOException | RuntimeException | Error e) {
      if (recorded) {
        boolean superseded = chain.isCanceled() && !chain.call().okHttpCall().isCanceled();
        end(span, attemptMetrics, active, start, superseded ? Outcome.SUPERSEDED : Outcome.of(e));
      } else {
        span.end();
      }
      throw e;
    }
    if (recorded) {
      end(span, attemptMetrics, active, start, Outcome.of(response));
    } else {
      span.end();
    }
    return response;
  }

  private static void describe(Span span, Request request, MeshAttempt attempt) {
    String method = request.method();
    span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, HttpSemconv.method(method));
    if (HttpSemconv.isOtherMethod(method)) {
      span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD_ORIGINAL, method);
    }
    span.setAttribute(HttpSemconv.URL_FULL, UrlRedaction.fullUrl(request.url()));
    span.setAttribute(HttpSemconv.SERVER_ADDRESS, attempt.endpoint().host());
    span.setAttribute(HttpSemconv.SERVER_PORT, (long) attempt.endpoint().port());
    span.setAttribute(MeshAttributes.SERVICE, attempt.service());
    span.setAttribute(MeshAttributes.ENDPOINT, attempt.endpoint().authority());
    if (attempt.number() > 1) {
      span.setAttribute(HttpSemconv.HTTP_REQUEST_RESEND_COUNT, (long) attempt.number() - 1);
    }
  }

  private void end(
      Span span, HttpClientMetrics metrics, Attributes active, long start, Outcome outcome) {
    metrics.attemptEnded(active, clock.nanoTime() - start, outcome);
    if (span.isRecording()) {
      outcome.applyTo(span);
    }
    span.end();
  }
}
