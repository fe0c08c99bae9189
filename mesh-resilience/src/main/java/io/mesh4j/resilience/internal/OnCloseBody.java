package io.mesh4j.resilience.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * A response body that runs a callback once, when it is closed, fails or is read to the end: a
 * request holds its bulkhead slot and its inbound deadline until then, not just until headers.
 */
final class OnCloseBody extends ResponseBody {

  private final ResponseBody delegate;
  private final Runnable onDone;
  private final AtomicBoolean done = new AtomicBoolean();
  private final BufferedSource source;

  private OnCloseBody(ResponseBody delegate, Runnable onDone) {
    this.delegate = delegate;
    this.onDone = onDone;
    this.source =
        Okio.buffer(
            new ForwardingSource(delegate.source()) {
              @Override
              public long read(Buffer sink, long byteCount) throws IOException {
                long n;
                try {
                  n = super.read(sink, byteCount);
                } catch (IOException e) {
                  done();
                  throw e;
                }
                if (n == -1) {
                  done();
                }
                return n;
              }

              @Override
              public void close() throws IOException {
                try {
                  super.close();
                } finally {
                  done();
                }
              }
            });
  }

  /** The response with {@code onDone} run when its body is finished with (at once if it has none). */
  static Response wrap(Response response, Runnable onDone) {
    ResponseBody body = response.body();
    if (body == null) {
      onDone.run();
      return response;
    }
    return response.newBuilder().body(new OnCloseBody(body, onDone)).build();
  }

  private void done() {
    if (done.compareAndSet(false, true)) {
      onDone.run();
    }
  }

  @Override
  public MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public BufferedSource source() {
    return source;
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      // closing a body does not report failures
    } finally {
      done();
    }
  }
}
