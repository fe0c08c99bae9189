package io.mesh4j.pipeline;

import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Attempts of one logical call that may run at the same time (hedging): each runs the rest of the
 * pipeline on an OkHttp call of its own, so that one can be cancelled (a hedge that lost) without
 * cancelling the logical call. Made by {@link MeshChain#concurrentAttempts} on the request's
 * thread; used from any thread.
 *
 * <p>Each attempt runs with the request's thread context as it was when this object was made (the
 * caller's MDC and what modules carry, such as the trace context), whichever thread runs it.
 * Cancelling the logical call (by its caller, its deadline or the mesh closing) cancels every
 * attempt, started or not.
 */
public interface ConcurrentAttempts {

  /** A new attempt of the rest of the pipeline for {@code request}, not started yet. */
  Attempt newAttempt(Request request);

  /** One attempt; run it once, with {@link #execute()} or {@link #start}. */
  interface Attempt {

    /** Runs the attempt on this thread and returns its response (headers received). */
    Response execute() throws IOException;

    /**
     * Runs the attempt on a thread of the OkHttp client's dispatcher executor (outside its queue:
     * the logical call already holds its place) and returns at once. {@code callback} is told once
     * how it ended, on that thread, or on this one if the attempt could not start.
     */
    void start(Callback callback);

    /**
     * Cancels this attempt only: its connection is released (an HTTP/1.1 connection in the middle
     * of a response is closed), and a failure it ends with then says nothing about its endpoint
     * ({@link MeshChain#isCanceled()}). An attempt cancelled before it starts never sends.
     * Idempotent; from any thread.
     */
    void cancel();

    boolean isCanceled();
  }

  /** How a started attempt ended. */
  interface Callback {

    void onResponse(Response response);

    void onFailure(IOException failure);
  }
}
