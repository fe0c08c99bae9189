package io.mesh4j.internal.okhttp;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * A response body that runs a callback once, when it is closed or read to the end, and turns a
 * read failure into the mesh's own exception when the mesh caused it (its deadline, its close).
 */
final class CompletionBody extends ResponseBody {

  /** Maps a failure while reading the body to what the caller should see. */
  @FunctionalInterface
  interface FailureTranslator {
    IOException translate(IOException failure);
  }

  // A field updater rather than an AtomicBoolean: one object less per response.
  private static final AtomicIntegerFieldUpdater<CompletionBody> DONE =
      AtomicIntegerFieldUpdater.newUpdater(CompletionBody.class, "done");

  private final ResponseBody delegate;
  private final Runnable onComplete;
  private volatile int done; // 0, then 1 once onComplete ran
  private final BufferedSource source;

  CompletionBody(ResponseBody delegate, Runnable onComplete, FailureTranslator translator) {
    this.delegate = delegate;
    this.onComplete = onComplete;
    this.source =
        Okio.buffer(
            new ForwardingSource(delegate.source()) {
              @Override
              public long read(Buffer sink, long byteCount) throws IOException {
                long n;
                try {
                  n = super.read(sink, byteCount);
                } catch (IOException e) {
                  complete();
                  throw translator.translate(e);
                }
                if (n == -1) {
                  complete();
                }
                return n;
              }

              @Override
              public void close() throws IOException {
                try {
                  super.close();
                } finally {
                  complete();
                }
              }
            });
  }

  private void complete() {
    if (DONE.compareAndSet(this, 0, 1)) {
      onComplete.run();
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
      // closing a response body does not report failures
    } finally {
      complete();
    }
  }
}
