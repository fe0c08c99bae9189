package io.mesh4j.discovery.kubernetes.internal;

import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl;
import java.lang.reflect.Method;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * fabric8's JDK HttpClient, run on the backend's own (mesh4j-*) threads instead of a pool of
 * fabric8's, so that closing the backend stops them and LeakCheck sees them. It keeps the JDK
 * clients it builds: on Java 21 and later {@link #shutdownClients} closes their connections and
 * selector thread at once ({@code HttpClient.shutdownNow}); Java 17 has no such method, and they
 * end when the closed clients are garbage collected.
 */
final class MeshHttpClientFactory extends JdkHttpClientFactory {

  private static final Method SHUTDOWN_NOW = shutdownNow();

  private final Executor executor;
  private final List<HttpClient> built = new CopyOnWriteArrayList<>();

  MeshHttpClientFactory(Executor executor) {
    this.executor = executor;
  }

  private static Method shutdownNow() {
    try {
      return HttpClient.class.getMethod("shutdownNow");
    } catch (NoSuchMethodException java17) {
      return null;
    }
  }

  @Override
  protected HttpClient.Builder createNewHttpClientBuilder() {
    return new Capturing(HttpClient.newBuilder().executor(executor));
  }

  @Override
  protected void closeHttpClient(JdkHttpClientImpl client) {
    // the executor belongs to the backend, which shuts it down after closing the client
  }

  /** Closes every connection of the clients built (Java 21+; on Java 17 only drops them for the GC). */
  void shutdownClients() {
    if (SHUTDOWN_NOW != null) {
      for (HttpClient c : built) {
        try {
          SHUTDOWN_NOW.invoke(c);
        } catch (ReflectiveOperationException | RuntimeException e) {
          // best effort: the client still ends when garbage collected
        }
      }
    }
    built.clear();
  }

  /** A JDK HttpClient builder that remembers what it builds. */
  private final class Capturing implements HttpClient.Builder {
    private final HttpClient.Builder delegate;

    Capturing(HttpClient.Builder delegate) {
      this.delegate = delegate;
    }

    @Override
    public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
      delegate.cookieHandler(cookieHandler);
      return this;
    }

    @Override
    public HttpClient.Builder connectTimeout(Duration duration) {
      delegate.connectTimeout(duration);
      return this;
    }

    @Override
    public HttpClient.Builder sslContext(SSLContext sslContext) {
      delegate.sslContext(sslContext);
      return this;
    }

    @Override
    public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
      delegate.sslParameters(sslParameters);
      return this;
    }

    @Override
    public HttpClient.Builder executor(Executor ignored) {
      return this; // always the backend's
    }

    @Override
    public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
      delegate.followRedirects(policy);
      return this;
    }

    @Override
    public HttpClient.Builder version(HttpClient.Version version) {
      delegate.version(version);
      return this;
    }

    @Override
    public HttpClient.Builder priority(int priority) {
      delegate.priority(priority);
      return this;
    }

    @Override
    public HttpClient.Builder proxy(ProxySelector proxySelector) {
      delegate.proxy(proxySelector);
      return this;
    }

    @Override
    public HttpClient.Builder authenticator(Authenticator authenticator) {
      delegate.authenticator(authenticator);
      return this;
    }

    @Override
    public HttpClient build() {
      HttpClient client = delegate.build();
      built.add(client);
      return client;
    }
  }
}
