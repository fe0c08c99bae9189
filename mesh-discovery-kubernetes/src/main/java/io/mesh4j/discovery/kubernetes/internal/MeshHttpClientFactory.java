package io.mesh4j.discovery.kubernetes.internal;

import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl;
import java.util.concurrent.Executor;

/**
 * fabric8's JDK HttpClient, run on the backend's own (mesh4j-*) threads instead of a pool of
 * fabric8's, so that closing the backend stops them and LeakCheck sees them.
 */
final class MeshHttpClientFactory extends JdkHttpClientFactory {

  private final Executor executor;

  MeshHttpClientFactory(Executor executor) {
    this.executor = executor;
  }

  @Override
  protected java.net.http.HttpClient.Builder createNewHttpClientBuilder() {
    return java.net.http.HttpClient.newBuilder().executor(executor);
  }

  @Override
  protected void closeHttpClient(JdkHttpClientImpl client) {
    // the executor belongs to the backend, which shuts it down after the client is closed
  }
}
