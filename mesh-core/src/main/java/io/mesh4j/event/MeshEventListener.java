package io.mesh4j.event;

/**
 * Receives a client's events. Called on the thread that publishes (a request's thread, the
 * scheduler, a discovery thread), so it must be quick, never block and never throw; a listener
 * that throws is logged and skipped.
 */
@FunctionalInterface
public interface MeshEventListener {

  void onEvent(MeshEvent event);
}
