package io.mesh4j.event;

import java.util.function.Consumer;

/**
 * The event bus of one {@link io.mesh4j.MeshClient}: {@code mesh.events()} for applications,
 * {@code MeshContext.events()} for modules. Publishing is synchronous and cheap when nobody
 * listens. A new subscriber first receives the latest event of every {@linkplain
 * MeshEvent#stateKey() state key}, then live events.
 */
public interface MeshEvents {

  /** Hands {@code event} to every current subscriber, on the calling thread. */
  void publish(MeshEvent event);

  /** Subscribes to every event; close the returned subscription to stop. */
  Subscription subscribe(MeshEventListener listener);

  /** Subscribes to events of one type (and its subtypes). */
  default <E extends MeshEvent> Subscription subscribe(Class<E> type, Consumer<? super E> listener) {
    return subscribe(
        event -> {
          if (type.isInstance(event)) {
            listener.accept(type.cast(event));
          }
        });
  }

  /** A subscription; closing it is idempotent. */
  @FunctionalInterface
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
