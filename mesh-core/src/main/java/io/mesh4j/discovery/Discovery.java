package io.mesh4j.discovery;

/** A running subscription to one service's endpoints. Closing it stops every thread and timer it uses. */
@FunctionalInterface
public interface Discovery extends AutoCloseable {

  @Override
  void close();
}
