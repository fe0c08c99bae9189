package io.mesh4j.resilience;

/**
 * Told about resilience events as they happen (see {@link ResilienceEvent.Type}). Called on the
 * thread where the event happened (a request's, the scheduler's): must be quick and never block.
 * Exceptions it throws are logged and ignored.
 */
@FunctionalInterface
public interface ResilienceListener {

  void onEvent(ResilienceEvent event);
}
