package io.mesh4j.discovery.etcd.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's v3 JSON gateway over OkHttp: unary calls ({@code /v3/kv/range}, {@code /v3/lease/grant},
 * ...) and the streaming {@code /v3/watch}. Each call tries the endpoint that answered last first,
 * then the others in turn; an error says which endpoints failed and how.
 *
 * <p>Owns its threads: an executor from the mesh's thread factory serves as the OkHttp dispatcher's
 * and runs the caller's loops ({@link #executor()}); {@link #close()} cancels every call, stops the
 * executor and drops pooled connections.
 */
public final class EtcdClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EtcdClient.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  /** A unary call's whole budget: etcd answers in milliseconds when it is there at all. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final List<String> endpoints;
  private final ExecutorService executor;
  private final OkHttpClient unary;
  private final OkHttpClient streaming;
  private final Object lock = new Object();
  private final Set<Session> sessions = new HashSet<>();
  private volatile int current;
  private boolean closed;

  public EtcdClient(List<String> endpoints, ThreadFactory threads) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no etcd endpoint");
    }
    this.endpoints = List.copyOf(endpoints);
    // as OkHttp's own default executor, but with the mesh's named daemon threads
    this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
    this.unary = new OkHttpClient.Builder()
        .dispatcher(new Dispatcher(executor))
        .connectionPool(new ConnectionPool(2, 1, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(CALL_TIMEOUT)
        .callTimeout(CALL_TIMEOUT)
        .retryOnConnectionFailure(true)
        .build();
    // a watch is idle while nothing changes: no read timeout (a dead etcd resets the connection)
    this.streaming = unary.newBuilder().readTimeout(Duration.ZERO).callTimeout(Duration.ZERO).build();
  }

  /** Runs the owner's loop on a thread of this client; stopped by {@link #close()}. */
  public ExecutorService executor() {
    return executor;
  }

  /** The endpoint that answered last (or will be tried first). */
  public String currentEndpoint() {
    return endpoints.get(current);
  }

  public List<String> endpoints() {
    return endpoints;
  }

  /** A set of calls that can be cancelled together while the client stays open. */
  public Session session() {
    Session s = new Session();
    synchronized (lock) {
      if (closed) {
        s.cancelled = true;
      } else {
        sessions.add(s);
      }
    }
    return s;
  }

  /** Cancels every call, stops the threads and drops pooled connections. Idempotent. */
  @Override
  public void close() {
    List<Session> open;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(sessions);
      sessions.clear();
    }
    open.forEach(Session::cancel);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("etcd client threads did not stop within 5s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    unary.connectionPool().evictAll();
  }

  /**
   * Calls made by one owner (a watch loop, a registration): {@link #cancel()} ends the one under
   * way and refuses the next, so a loop blocked in a call stops at once.
   */
  public final class Session {
    private final Set<Call> active = new HashSet<>();
    private boolean cancelled;

    /** A unary gateway call, such as {@code /v3/kv/range}; the answer's JSON. */
    public JsonNode post(String path, ObjectNode body) throws IOException {
      return post(path, body, CALL_TIMEOUT);
    }

    /** As {@link #post(String, ObjectNode)} with a shorter budget (deregistering while closing). */
    public JsonNode post(String path, ObjectNode body, Duration timeout) throws IOException {
      Attempts attempts = new Attempts(path);
      for (int i = 0; i < endpoints.size(); i++) {
        int index = (current + i) % endpoints.size();
        String endpoint = endpoints.get(index);
        Call call = newCall(unary, endpoint, path, body);
        call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
          String text = response.body().string();
          if (response.code() >= 500) {
            // etcd without a leader or a gateway that cannot reach its server: another may do better
            attempts.failed(endpoint, "HTTP " + response.code() + " " + errorMessage(text));
            continue;
          }
          current = index;
          JsonNode json = parse(endpoint, path, text);
          if (response.code() != 200) {
            throw new EtcdErrorException(endpoint, path, response.code(), errorMessage(text), json.path("code").asInt(-1));
          }
          return json;
        } catch (EtcdErrorException e) {
          throw e;
        } catch (IOException e) {
          if (isCancelled()) {
            throw new InterruptedIOException("etcd call cancelled: closing");
          }
          attempts.failed(endpoint, describe(e));
        } finally {
          done(call);
        }
      }
      throw attempts.exception();
    }

    /**
     * Opens a streaming gateway call ({@code /v3/watch}): returns once an endpoint answered 200,
     * with the stream of its JSON messages.
     */
    public JsonStream stream(String path, ObjectNode body) throws IOException {
      Attempts attempts = new Attempts(path);
      for (int i = 0; i < endpoints.size(); i++) {
        int index = (current + i) % endpoints.size();
        String endpoint = endpoints.get(index);
        Call call = newCall(streaming, endpoint, path, body);
        Response response = null;
        try {
          response = call.execute();
          if (response.code() != 200) {
            String text = response.body().string();
            response.close();
            done(call);
            attempts.failed(endpoint, "HTTP " + response.code() + " " + errorMessage(text));
            continue;
          }
          current = index;
          Call open = call;
          return new JsonStream(endpoint, response, () -> done(open));
        } catch (IOException e) {
          if (response != null) {
            response.close();
          }
          done(call);
          if (isCancelled()) {
            throw new InterruptedIOException("etcd call cancelled: closing");
          }
          attempts.failed(endpoint, describe(e));
        }
      }
      throw attempts.exception();
    }

    /** The endpoint that answered last (or will be tried first). */
    public String endpoint() {
      return currentEndpoint();
    }

    /** Cancels the call under way and every later one. */
    public void cancel() {
      List<Call> calls;
      synchronized (this) {
        cancelled = true;
        calls = new ArrayList<>(active);
      }
      calls.forEach(Call::cancel);
      synchronized (lock) {
        sessions.remove(this);
      }
    }

    public synchronized boolean isCancelled() {
      return cancelled;
    }

    private Call newCall(OkHttpClient client, String endpoint, String path, ObjectNode body) throws IOException {
      Request request = new Request.Builder()
          .url(endpoint + path)
          .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE))
          .build();
      Call call = client.newCall(request);
      synchronized (this) {
        if (cancelled) {
          throw new InterruptedIOException("etcd call cancelled: closing");
        }
        active.add(call);
      }
      return call;
    }

    private synchronized void done(Call call) {
      active.remove(call);
    }
  }

  private static JsonNode parse(String endpoint, String path, String text) throws IOException {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IOException("etcd " + endpoint + path + " answered with something that is not JSON: "
          + abbreviate(text), e);
    }
  }

  /** The gateway's error object says {"error":"...","message":"...","code":N}; else the body itself. */
  static String errorMessage(String text) {
    try {
      JsonNode json = JSON.readTree(text);
      if (json != null && json.hasNonNull("message")) {
        return json.get("message").asText();
      }
    } catch (IOException e) {
      // not JSON: the text says it
    }
    return abbreviate(text);
  }

  static String describe(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e.getCause() != null && e.getCause().getMessage() != null && !message.contains(e.getCause().getMessage())
        ? message + ": " + e.getCause().getMessage()
        : message;
  }

  static String abbreviate(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  /** What each endpoint said, for the message when none answered. */
  private static final class Attempts {
    private final String path;
    private final List<String> failures = new ArrayList<>();

    Attempts(String path) {
      this.path = path;
    }

    void failed(String endpoint, String why) {
      failures.add(endpoint + " (" + why + ")");
    }

    EtcdUnavailableException exception() {
      return new EtcdUnavailableException(
          (failures.size() == 1 ? "etcd unreachable at " : "no etcd endpoint answered: ")
              + String.join(", ", failures) + " [" + path + "]");
    }
  }
}
