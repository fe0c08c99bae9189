package io.mesh4j.tls.internal;

import io.mesh4j.MeshException;
import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.TlsMaterial;
import io.mesh4j.tls.TrustBundle;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.TrustDomain;
import io.mesh4j.tls.X509Svid;
import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.Watcher;
import io.spiffe.workloadapi.WorkloadApiClient;
import io.spiffe.workloadapi.X509Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code workload-api} source: java-spiffe's Workload API client watching X.509 contexts
 * (the agent pushes rotations). Every update is re-validated with mesh4j's own SPIFFE ID and
 * X509-SVID rules, because java-spiffe's ID parser is lenient (non-ASCII, default-locale case
 * folding). A bad update is logged and the last good SVID stays.
 */
final class WorkloadApiSource extends MaterialPublisher {

  private static final Logger log = LoggerFactory.getLogger(WorkloadApiSource.class);

  private final String address;
  private final WorkloadApiClient client;

  private WorkloadApiSource(String address, WorkloadApiClient client, MeshClock clock) {
    super(clock);
    this.address = address;
    this.client = client;
  }

  static WorkloadApiSource start(String address, Duration initTimeout, MeshClock clock) {
    WorkloadApiClient client;
    try {
      client = DefaultWorkloadApiClient.newClient(
          DefaultWorkloadApiClient.ClientOptions.builder().spiffeSocketPath(address).build());
    } catch (Exception | LinkageError e) {
      throw new MeshException("workload-api source: cannot create a client for " + address + ": " + e, e);
    }
    WorkloadApiSource source = new WorkloadApiSource(address, client, clock);
    CompletableFuture<Void> first = new CompletableFuture<>();
    client.watchX509Context(
        new Watcher<>() {
          @Override
          public void onUpdate(X509Context context) {
            try {
              source.publish(convert(context));
              first.complete(null);
            } catch (RuntimeException e) {
              source.recordFailure("workload-api: rejected update: " + e.getMessage());
              log.warn("workload-api source ({}): rejected an update: {}", address, e.getMessage());
            }
          }

          @Override
          public void onError(Throwable t) {
            first.completeExceptionally(t);
            source.recordFailure("workload-api: " + t);
            log.warn("workload-api source ({}): watch failed: {}", address, t.toString());
          }
        });
    try {
      first.get(initTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      source.close();
      throw new MeshException("workload-api source: interrupted waiting for the first SVID", e);
    } catch (ExecutionException | TimeoutException e) {
      source.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new MeshException(
          "workload-api source: no SVID from " + address + " within " + initTimeout + ": " + cause, cause);
    }
    return source;
  }

  static TlsMaterial convert(X509Context context) {
    io.spiffe.svid.x509svid.X509Svid s = context.getDefaultSvid();
    X509Svid svid = X509Svid.of(s.getChain(), s.getPrivateKey());
    List<TrustBundle> bundles = new ArrayList<>();
    for (X509Bundle b : context.getX509BundleSet().getBundles().values()) {
      bundles.add(TrustBundle.of(TrustDomain.parse(b.getTrustDomain().getName()), new ArrayList<>(b.getX509Authorities())));
    }
    return new TlsMaterial(svid, TrustBundleSet.of(bundles));
  }

  @Override
  protected String name() {
    return "workload-api source (" + address + ")";
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (java.io.IOException | RuntimeException e) {
      log.debug("closing the workload API client failed", e);
    }
  }
}
