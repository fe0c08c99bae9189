package io.mesh4j.internal.okhttp;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.internal.runtime.ServiceRoute;
import io.mesh4j.pipeline.MeshAttempt;
import io.mesh4j.pipeline.MeshCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import okhttp3.Call;

/** One logical mesh request. Attempts are recorded by the pipeline on the request's thread. */
final class MeshCallImpl implements MeshCall {

  private final ServiceRoute route;
  private final Call okHttpCall;
  private final long startNanos;
  private final List<MeshAttempt> attempts = Collections.synchronizedList(new ArrayList<>(2));
  private final Set<Endpoint> tried = Collections.synchronizedSet(new LinkedHashSet<>(4));
  private volatile boolean timedOut;

  MeshCallImpl(ServiceRoute route, Call okHttpCall, long startNanos) {
    this.route = route;
    this.okHttpCall = okHttpCall;
    this.startNanos = startNanos;
  }

  ServiceRoute route() {
    return route;
  }

  MeshAttempt newAttempt(Endpoint endpoint) {
    MeshAttempt attempt = new MeshAttempt(route.serviceName(), endpoint, attempts.size() + 1);
    attempts.add(attempt);
    tried.add(endpoint);
    return attempt;
  }

  void markTimedOut() {
    timedOut = true;
  }

  boolean timedOut() {
    return timedOut;
  }

  @Override
  public String service() {
    return route.serviceName();
  }

  @Override
  public ServiceConfig config() {
    return route.config();
  }

  @Override
  public Call okHttpCall() {
    return okHttpCall;
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public List<MeshAttempt> attempts() {
    synchronized (attempts) {
      return List.copyOf(attempts);
    }
  }

  @Override
  public Set<Endpoint> triedEndpoints() {
    synchronized (tried) {
      return Set.copyOf(tried);
    }
  }
}
