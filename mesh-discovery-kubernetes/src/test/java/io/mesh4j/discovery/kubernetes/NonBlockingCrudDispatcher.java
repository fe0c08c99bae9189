package io.mesh4j.discovery.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * fabric8's CRUD dispatcher, minus a stall of its mock server: when a client closes a watch while
 * the mock is still sending it events (it replays every existing object when a watch opens), the
 * mock's close handler waits on the server's event loop for its sender, which itself waits for
 * the event loop to write: the whole server freezes for 30 seconds. Here the close handlers run
 * off the event loop. A real API server has no such problem; the tests close watches this way
 * all the time (a MeshClient closing soon after it started).
 */
final class NonBlockingCrudDispatcher extends KubernetesCrudDispatcher {

  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    WebSocketListener listener = response.getWebSocketListener();
    return listener == null ? response : response.withWebSocketUpgrade(new OffLoopClose(listener));
  }

  /** Delegates everything, running the (blocking) close and failure handlers on a thread of their own. */
  private static final class OffLoopClose extends WebSocketListener {
    private final WebSocketListener delegate;

    OffLoopClose(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onPing(WebSocket webSocket, byte[] bytes) {
      delegate.onPing(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      offLoop(() -> delegate.onClosed(webSocket, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      offLoop(() -> delegate.onFailure(webSocket, t, response));
    }

    private static void offLoop(Runnable task) {
      Thread t = new Thread(task, "mock-watch-close");
      t.setDaemon(true);
      t.start();
    }
  }
}
