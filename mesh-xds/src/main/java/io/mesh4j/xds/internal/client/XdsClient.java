package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.grpc.SynchronizationContext.ScheduledHandle;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.mesh4j.event.MeshEvent;
import io.mesh4j.event.MeshEvents;
import io.mesh4j.time.MeshClock;
import io.mesh4j.xds.XdsResourceAccepted;
import io.mesh4j.xds.XdsResourceRejected;
import io.mesh4j.xds.XdsStreamConnected;
import io.mesh4j.xds.XdsStreamFailed;
import io.mesh4j.xds.internal.client.XdsClientStatus.StreamState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ADS client (xDS v3, state of the world): one bidirectional stream for LDS, RDS, CDS and EDS,
 * the subscribed names of each type in every request, version/nonce ACK and NACK, the node on every
 * request, a missing-resource timer, reconnection with backoff, NACK damping, last good resources
 * kept while the server is unreachable.
 *
 * <p>All state lives in a {@link SynchronizationContext}: grpc's callbacks, timers (on the given
 * scheduler) and watch/cancel calls enqueue tasks there, run one at a time; so watcher callbacks are
 * serialized and in order, and no lock is held while they run. {@link #status()} reads an immutable
 * snapshot refreshed after each task.
 */
public final class XdsClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(XdsClient.class);

  private final ManagedChannel channel;
  private final Node node;
  private final Map<XdsResourceType, ResourceValidator<?>> validators;
  private final ScheduledExecutorService scheduler;
  private final MeshClock clock;
  private final MeshEvents events;
  private final XdsClientSettings settings;
  private final SynchronizationContext syncContext;
  private final AtomicBoolean closed = new AtomicBoolean();

  // --- sync-context state
  private final Map<XdsResourceType, TypeState> types = new EnumMap<>(XdsResourceType.class);
  private final Backoff backoff;
  private AdsStream stream;
  private ScheduledHandle retry;
  private StreamState streamState = StreamState.IDLE;
  /** Why the stream failed, until a response arrives again; null while healthy. */
  private String streamFailure;
  /** Watchers were told the stream is down (once per outage: a stream that ended with no response). */
  private boolean outageReported;
  /** The last stream ended soon after responses: repeats of that are logged at DEBUG. */
  private boolean flapping;

  private volatile XdsClientStatus status = new XdsClientStatus(StreamState.IDLE, null, Map.of());

  /**
   * @param channel to the control plane; the client owns it and shuts it down in {@link #close()}
   * @param node sent in every DiscoveryRequest
   * @param validators per type; a type without one accepts every resource
   * @param scheduler runs the timers (backoff, missing resources, damped NACKs); not shut down here
   */
  public XdsClient(
      ManagedChannel channel,
      Node node,
      Map<XdsResourceType, ResourceValidator<?>> validators,
      ScheduledExecutorService scheduler,
      MeshClock clock,
      MeshEvents events,
      XdsClientSettings settings) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.node = Objects.requireNonNull(node, "node");
    this.validators = Map.copyOf(validators);
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.backoff =
        new Backoff(
            settings.backoffInitial(), settings.backoffMax(), () -> ThreadLocalRandom.current().nextDouble());
    this.syncContext =
        new SynchronizationContext(
            (thread, error) -> log.error("xDS client task failed (a bug): {}", error.toString(), error));
  }

  /**
   * Subscribes {@code watcher} to the resource {@code name} of {@code type}. Several watchers of
   * one name share one subscription; a watcher of a resource already received gets it at once (on
   * the synchronization context), and its rejection if the server's latest version was NACKED.
   * Returns the cancel action (idempotent); the name is unsubscribed from the server when nobody has
   * watched it for the resource timeout (a watcher coming back in time gets it without a request).
   */
  @SuppressWarnings("unchecked")
  public <T extends Message> Runnable watch(XdsResourceType type, String name, ResourceWatcher<T> watcher) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(watcher, "watcher");
    WatcherHandle handle = new WatcherHandle(type, name, (ResourceWatcher<Message>) watcher, closed::get);
    syncContext.execute(() -> subscribe(type, name, handle));
    return () -> {
      handle.cancel();
      syncContext.execute(() -> unsubscribe(type, name, handle));
    };
  }

  /** The stream's state and, per type, the ACKed version, nonce, last NACK and subscribed names. */
  public XdsClientStatus status() {
    return status;
  }

  /**
   * Ends the stream, cancels the timers and shuts the channel down, waiting (up to 5 s) for it to
   * terminate. Watchers get no more calls. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    boolean calledFromCallback = inSyncContext();
    CountDownLatch stateShutDown = new CountDownLatch(1);
    syncContext.execute(
        () -> {
          shutdown();
          stateShutDown.countDown();
        });
    channel.shutdownNow();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("xDS channel to {} did not terminate within 5s", channel.authority());
      }
      // another thread may be running the context's tasks: wait for it to run ours (timers cancelled).
      // From a watcher callback it runs once the callback returns.
      if (!calledFromCallback && !stateShutDown.await(5, TimeUnit.SECONDS)) {
        log.warn("xDS client state not shut down within 5s (a watcher callback blocks?)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean inSyncContext() {
    try {
      syncContext.throwIfNotInThisSynchronizationContext();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ sync-context tasks

  private void subscribe(XdsResourceType type, String name, WatcherHandle handle) {
    if (closed.get()) {
      return;
    }
    TypeState state = types.computeIfAbsent(type, this::newTypeState);
    ResourceSubscription subscription = state.subscriptions.get(name);
    if (subscription == null) {
      subscription = new ResourceSubscription(name);
      subscription.watchers.add(handle);
      state.subscriptions.put(name, subscription);
      log.debug("xDS subscribe {} {}", type.shortName(), name);
      if (!ensureStream()) {
        sendRequest(state);
      }
    } else {
      subscription.cancelGraceTimer();
      subscription.watchers.add(handle);
      if (subscription.data != null) {
        handle.onResource(subscription.data);
      }
      if (subscription.doesNotExist) {
        handle.onDoesNotExist();
      } else if (subscription.lastRejection != null) {
        handle.onError(subscription.lastRejection); // the version in force is not the server's latest
      }
    }
    if (subscription.data == null && outageReported) {
      handle.onError("xDS stream failed: " + streamFailure);
    }
    refreshStatus();
  }

  private void unsubscribe(XdsResourceType type, String name, WatcherHandle handle) {
    TypeState state = types.get(type);
    ResourceSubscription subscription = state == null ? null : state.subscriptions.get(name);
    if (subscription == null || !subscription.watchers.remove(handle)) {
      return;
    }
    if (subscription.watchers.isEmpty()) {
      if (closed.get()) {
        subscription.cancelTimer();
        state.subscriptions.remove(name);
      } else {
        // Kept subscribed (data too) for a while: a watcher that comes back (a listener switching
        // its routes back, a cluster's endpoints re-watched on a cluster update) gets it at once.
        // Dropping and re-requesting the name would not do: java-control-plane's SimpleCache does
        // not answer a name it already sent on the stream (java-control-plane#339).
        ResourceSubscription idle = subscription;
        subscription.graceTimer =
            syncContext.schedule(
                () -> endGrace(state, idle),
                settings.resourceTimeout().toNanos(),
                TimeUnit.NANOSECONDS,
                scheduler);
      }
    }
    refreshStatus();
  }

  private void endGrace(TypeState state, ResourceSubscription subscription) {
    subscription.graceTimer = null;
    if (closed.get()
        || state.subscriptions.get(subscription.name) != subscription
        || !subscription.watchers.isEmpty()) {
      return;
    }
    subscription.cancelTimer();
    state.subscriptions.remove(subscription.name);
    log.debug("xDS unsubscribe {} {}", state.type.shortName(), subscription.name);
    sendRequest(state);
    refreshStatus();
  }

  private TypeState newTypeState(XdsResourceType type) {
    return new TypeState(type, new NackDamper(settings.nackDampingInitial(), settings.nackDampingMax()));
  }

  /** Opens a stream when none is open or waiting to reopen; true when it opened one (and sent every type's request). */
  private boolean ensureStream() {
    if (stream != null || retry != null || closed.get()) {
      return false;
    }
    startStream();
    return true;
  }

  private void startStream() {
    retry = null;
    if (closed.get()) {
      return;
    }
    AdsStream newStream = new AdsStream(clock.nanoTime());
    stream = newStream;
    streamState = StreamState.CONNECTING;
    log.debug("xDS opening ADS stream to {}", channel.authority());
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(newStream);
    for (TypeState state : types.values()) {
      if (!state.subscriptions.isEmpty()) {
        sendRequest(state); // resubscribe with the last ACKed version
      }
    }
    refreshStatus();
  }

  /** A plain request (ACK, or subscription change) for the type: supersedes a damped NACK. */
  private void sendRequest(TypeState state) {
    state.cancelPendingNack();
    send(state, null);
  }

  private void send(TypeState state, com.google.rpc.Status errorDetail) {
    if (stream == null) {
      return; // the next stream sends it
    }
    DiscoveryRequest.Builder request =
        DiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(state.type.typeUrl())
            .setVersionInfo(state.ackedVersion)
            .setResponseNonce(state.nonce)
            .addAllResourceNames(state.names());
    if (errorDetail != null) {
      request.setErrorDetail(errorDetail);
    }
    stream.send(request.build());
    state.requestedOnStream = true;
    log.debug(
        "xDS request {} names={} version={} nonce={}{}",
        state.type.shortName(),
        state.names(),
        state.ackedVersion,
        state.nonce,
        errorDetail == null ? "" : " NACK");
    if (stream.ready) {
      startMissingTimers(state);
    }
  }

  /** The timer runs only while a request is out on a connected stream: started here and on connect. */
  private void startMissingTimers(TypeState state) {
    for (ResourceSubscription subscription : state.subscriptions.values()) {
      if (subscription.awaitingFirstAnswer() && subscription.missingTimer == null) {
        subscription.missingTimer =
            syncContext.schedule(
                () -> onResourceTimeout(state, subscription),
                settings.resourceTimeout().toNanos(),
                TimeUnit.NANOSECONDS,
                scheduler);
      }
    }
  }

  private void onResourceTimeout(TypeState state, ResourceSubscription subscription) {
    subscription.missingTimer = null;
    if (closed.get()
        || state.subscriptions.get(subscription.name) != subscription
        || !subscription.awaitingFirstAnswer()) {
      return;
    }
    log.info(
        "xDS {} {} not received within {}: does not exist",
        state.type.shortName(),
        subscription.name,
        settings.resourceTimeout());
    subscription.doesNotExist = true;
    for (WatcherHandle watcher : subscription.watchersSnapshot()) {
      watcher.onDoesNotExist();
    }
    refreshStatus();
  }

  private void onStreamReady(AdsStream readyStream) {
    if (readyStream != stream || readyStream.ready || closed.get()) {
      return;
    }
    readyStream.ready = true;
    streamState = StreamState.CONNECTED;
    log.info("xDS ADS stream to {} connected", channel.authority());
    publish(new XdsStreamConnected(channel.authority()));
    for (TypeState state : types.values()) {
      if (state.requestedOnStream) {
        startMissingTimers(state);
      }
    }
    refreshStatus();
  }

  private void handleResponse(AdsStream from, DiscoveryResponse response) {
    if (from != stream || closed.get()) {
      return;
    }
    from.responded = true;
    if (!from.ready) {
      onStreamReady(from);
    }
    if (outageReported) {
      log.info("xDS ADS stream to {} recovered", channel.authority());
      outageReported = false;
    }
    streamFailure = null;
    XdsResourceType type = XdsResourceType.fromTypeUrl(response.getTypeUrl()).orElse(null);
    TypeState state = type == null ? null : types.get(type);
    if (state == null) {
      log.warn("xDS response of type {} that was never subscribed: ignored", response.getTypeUrl());
      return;
    }
    state.nonce = response.getNonce();
    state.cancelPendingNack();
    String version = response.getVersionInfo();
    ParsedResponse parsed =
        ParsedResponse.parse(
            type, response.getResourcesList(), state.subscriptions.keySet(), validatorOf(type));
    applyValid(state, parsed);
    reportInvalid(state, version, parsed);
    if (type.absenceMeansRemoval() && parsed.allUnpacked()) {
      applyAbsence(state, parsed);
    }
    if (parsed.errors().isEmpty()) {
      boolean newVersion = !version.equals(state.ackedVersion);
      state.ackedVersion = version;
      state.damper.reset();
      sendRequest(state);
      if (newVersion) {
        log.info(
            "xDS {} version {} accepted: {} (nonce {})",
            type.shortName(),
            version,
            parsed.valid().keySet(),
            response.getNonce());
      } else {
        log.debug("xDS ACK {} version={} nonce={}", type.shortName(), version, response.getNonce());
      }
      publish(
          new XdsResourceAccepted(
              type.typeUrl(), version, response.getNonce(), List.copyOf(parsed.valid().keySet())));
    } else {
      nack(state, response, String.join("; ", parsed.errors()));
    }
    refreshStatus();
  }

  private void applyValid(TypeState state, ParsedResponse parsed) {
    for (Map.Entry<String, Message> entry : parsed.valid().entrySet()) {
      ResourceSubscription subscription = state.subscriptions.get(entry.getKey());
      subscription.cancelTimer();
      subscription.answered = true;
      if (entry.getValue().equals(subscription.data)) {
        // a new version with the content in force (maybe a rollback after a rejection): nothing to
        // tell, but the resource is ACKed again
        subscription.lastRejection = null;
        continue;
      }
      subscription.data = entry.getValue();
      subscription.doesNotExist = false;
      subscription.lastRejection = null;
      for (WatcherHandle watcher : subscription.watchersSnapshot()) {
        watcher.onResource(subscription.data);
      }
    }
  }

  private void reportInvalid(TypeState state, String version, ParsedResponse parsed) {
    for (Map.Entry<String, List<String>> entry : parsed.invalid().entrySet()) {
      ResourceSubscription subscription = state.subscriptions.get(entry.getKey());
      subscription.cancelTimer(); // it exists, it is just invalid: the NACK must not restart the timer
      subscription.answered = true;
      String reason =
          state.type.shortName()
              + " "
              + entry.getKey()
              + " version "
              + version
              + " rejected: "
              + String.join("; ", entry.getValue());
      if (reason.equals(subscription.lastRejection)) {
        continue; // the server resent the same bad version: told once
      }
      subscription.lastRejection = reason;
      for (WatcherHandle watcher : subscription.watchersSnapshot()) {
        watcher.onError(reason);
      }
    }
  }

  /**
   * LDS/CDS: the response is the full set, so a subscribed name absent from it was removed. Skipped
   * when a resource could not be unpacked: its name is unknown, it may be one of ours.
   */
  private void applyAbsence(TypeState state, ParsedResponse parsed) {
    for (ResourceSubscription subscription : List.copyOf(state.subscriptions.values())) {
      if (parsed.namesSeen().contains(subscription.name) || subscription.doesNotExist) {
        continue;
      }
      if (subscription.missingTimer != null) {
        // never received on this stream: the response may answer a request sent before the name
        // was subscribed, so only the timer decides (as gRPC does)
        continue;
      }
      subscription.cancelTimer();
      subscription.data = null;
      subscription.doesNotExist = true;
      log.info("xDS {} {} removed by the server", state.type.shortName(), subscription.name);
      for (WatcherHandle watcher : subscription.watchersSnapshot()) {
        watcher.onDoesNotExist();
      }
    }
  }

  private void nack(TypeState state, DiscoveryResponse response, String detail) {
    NackDamper.Key key =
        new NackDamper.Key(response.getVersionInfo(), response.getResourcesList().hashCode(), detail);
    if (state.damper.isNew(key)) {
      log.warn(
          "xDS NACK {} version={} nonce={}: {}",
          state.type.shortName(),
          response.getVersionInfo(),
          response.getNonce(),
          detail);
    }
    long delay = state.damper.delayNanos(key, clock.nanoTime());
    if (delay == 0) {
      sendNack(state, key, response.getVersionInfo(), detail);
    } else {
      log.debug(
          "xDS {} version={} rejected again: NACK damped for {} ms",
          state.type.shortName(),
          response.getVersionInfo(),
          TimeUnit.NANOSECONDS.toMillis(delay));
      state.pendingNack =
          syncContext.schedule(
              () -> {
                state.pendingNack = null;
                if (!closed.get()) {
                  sendNack(state, key, response.getVersionInfo(), detail);
                  refreshStatus();
                }
              },
              delay,
              TimeUnit.NANOSECONDS,
              scheduler);
    }
  }

  private void sendNack(TypeState state, NackDamper.Key key, String version, String detail) {
    if (stream == null) {
      return;
    }
    state.damper.sent(key, clock.nanoTime());
    send(
        state,
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.INVALID_ARGUMENT.value())
            .setMessage(detail)
            .build());
    state.lastNack =
        java.util.Optional.of(
            new XdsClientStatus.Nack(version, state.nonce, detail, Instant.ofEpochMilli(clock.wallMillis())));
    publish(new XdsResourceRejected(state.type.typeUrl(), version, state.nonce, detail));
  }

  private void handleStreamClosed(AdsStream closedStream, Status grpcStatus) {
    if (closedStream != stream || closed.get()) {
      return;
    }
    stream = null;
    for (TypeState state : types.values()) {
      state.onStreamEnded();
    }
    // As gRPC: a response resets the backoff, but the next stream still waits for the backoff delay
    // counted from the start of the one that ended, so a server that fails each stream after a
    // response is not hammered; a long-lived stream is reopened at once.
    if (closedStream.responded) {
      backoff.reset();
    }
    long lived = clock.nanoTime() - closedStream.startedNanos;
    Duration retryIn = Duration.ofNanos(Math.max(0, backoff.nextDelay().toNanos() - lived));
    String reason =
        grpcStatus.getCode() + (grpcStatus.getDescription() == null ? "" : ": " + grpcStatus.getDescription());
    streamFailure = reason;
    if (closedStream.responded) {
      // not an outage: data flowed on it (istiod also ends streams on purpose, every 30 min)
      boolean shortLived = lived < settings.backoffMax().toNanos();
      if (flapping && shortLived) {
        log.debug("xDS ADS stream to {} ended again ({}); reopening in {} ms", channel.authority(), reason, retryIn.toMillis());
      } else {
        log.info("xDS ADS stream to {} ended ({}); reopening in {} ms", channel.authority(), reason, retryIn.toMillis());
      }
      flapping = shortLived;
    } else if (!outageReported) {
      log.warn("xDS ADS stream to {} failed ({}); retrying in {} ms", channel.authority(), reason, retryIn.toMillis());
      outageReported = true;
      for (TypeState state : types.values()) {
        for (ResourceSubscription subscription : state.subscriptions.values()) {
          for (WatcherHandle watcher : subscription.watchersSnapshot()) {
            watcher.onError("xDS stream failed: " + reason);
          }
        }
      }
    } else {
      log.info("xDS ADS stream to {} failed again ({}); retrying in {} ms", channel.authority(), reason, retryIn.toMillis());
    }
    streamState = StreamState.BACKING_OFF;
    publish(new XdsStreamFailed(channel.authority(), reason, retryIn));
    retry = syncContext.schedule(this::startStream, retryIn.toNanos(), TimeUnit.NANOSECONDS, scheduler);
    refreshStatus();
  }

  private void shutdown() {
    if (stream != null) {
      AdsStream open = stream;
      stream = null;
      open.cancel();
    }
    if (retry != null) {
      retry.cancel();
      retry = null;
    }
    for (TypeState state : types.values()) {
      state.cancelAllTimers();
    }
    streamState = StreamState.CLOSED;
    refreshStatus();
    log.debug("xDS client for {} closed", channel.authority());
  }

  @SuppressWarnings("unchecked")
  private ResourceValidator<Message> validatorOf(XdsResourceType type) {
    ResourceValidator<?> validator = validators.get(type);
    return validator == null ? ResourceValidator.ACCEPT_ALL : (ResourceValidator<Message>) validator;
  }

  private void publish(MeshEvent event) {
    events.publish(event);
  }

  private void refreshStatus() {
    Map<XdsResourceType, XdsClientStatus.TypeStatus> byType = new EnumMap<>(XdsResourceType.class);
    for (TypeState state : types.values()) {
      byType.put(state.type, state.status());
    }
    status = new XdsClientStatus(streamState, streamFailure, byType);
  }

  /**
   * One ADS call. Its callbacks hop onto the synchronization context, tagged with the stream so late
   * ones of an old stream are ignored. Inbound flow control, as gRPC: one response is requested at a
   * time, the next once the previous one was handled, so a slow watcher cannot make responses queue
   * without bound.
   */
  private final class AdsStream implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {

    final long startedNanos;
    private ClientCallStreamObserver<DiscoveryRequest> requests;
    /** Sync-context only. */
    boolean ready;
    boolean responded;

    AdsStream(long startedNanos) {
      this.startedNanos = startedNanos;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> requestStream) {
      this.requests = requestStream;
      requestStream.disableAutoRequestWithInitial(1);
      requestStream.setOnReadyHandler(() -> syncContext.execute(() -> onStreamReady(this)));
    }

    void send(DiscoveryRequest request) {
      requests.onNext(request);
    }

    void cancel() {
      requests.cancel("xDS client closed", null);
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      syncContext.execute(
          () -> {
            try {
              handleResponse(this, response);
            } finally {
              if (this == stream && !closed.get()) {
                requests.request(1);
              }
            }
          });
    }

    @Override
    public void onError(Throwable error) {
      syncContext.execute(() -> handleStreamClosed(this, Status.fromThrowable(error)));
    }

    @Override
    public void onCompleted() {
      syncContext.execute(
          () -> handleStreamClosed(this, Status.UNAVAILABLE.withDescription("stream closed by the server")));
    }
  }
}
