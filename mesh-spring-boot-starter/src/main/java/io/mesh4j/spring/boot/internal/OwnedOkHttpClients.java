package io.mesh4j.spring.boot.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.DisposableBean;

/**
 * The OkHttp clients the starter created itself (never the application's): their dispatcher
 * threads (non-daemon, idle for up to a minute) and pooled connections are released when the
 * context closes, after the mesh stopped.
 */
public final class OwnedOkHttpClients implements DisposableBean {

  private final List<OkHttpClient> clients = new CopyOnWriteArrayList<>();

  /** A new client owned by this bean. */
  public OkHttpClient create() {
    OkHttpClient client = new OkHttpClient();
    clients.add(client);
    return client;
  }

  @Override
  public void destroy() {
    for (OkHttpClient client : clients) {
      client.dispatcher().cancelAll();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}
