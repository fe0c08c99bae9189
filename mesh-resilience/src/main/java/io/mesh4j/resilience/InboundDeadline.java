package io.mesh4j.resilience;

import java.util.Optional;
import java.util.function.Function;

/**
 * The server side of deadline propagation. The mesh sends, with every attempt, the time its
 * caller still waits in the {@value #HEADER} header (whole milliseconds left at send time). A
 * server that reads it and {@linkplain #enter enters} it while handling the request makes every
 * mesh request sent from that thread finish within it: their deadline becomes the earlier of their
 * own {@code timeout} and the inbound deadline, and a request that runs out of it fails with
 * {@link io.mesh4j.MeshTimeoutException} naming "the caller's deadline".
 *
 * <pre>{@code
 * server.createContext("/", exchange -> {
 *   Deadline deadline = InboundDeadline.fromHeaders(exchange.getRequestHeaders()::getFirst).orElse(null);
 *   try (InboundDeadline.Scope scope = InboundDeadline.enter(deadline)) {
 *     ... http.newCall(new Request.Builder().url("http://inventory/x").build()).execute() ...
 *   }
 * });
 * }</pre>
 *
 * The deadline is kept in a thread-local, so it reaches synchronous {@code execute()} calls made on
 * the handling thread; pass it to an asynchronous call as a request tag ({@code .tag(Deadline.class,
 * deadline)}).
 */
public final class InboundDeadline {

  /** The header carrying the caller's remaining time in milliseconds. */
  public static final String HEADER = "x-mesh-deadline-ms";

  private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

  private InboundDeadline() {}

  /**
   * Reads the deadline from a header value: a non-negative whole number of milliseconds.
   * Anything else is ignored (empty): a malformed header must not fail the request.
   */
  public static Optional<Deadline> fromHeader(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      long millis = Long.parseLong(value.trim());
      return millis < 0 ? Optional.empty() : Optional.of(Deadline.after(java.time.Duration.ofMillis(millis)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads the deadline from a request's headers through a lookup by name, such as {@code
   * exchange.getRequestHeaders()::getFirst} or {@code request::getHeader}.
   */
  public static Optional<Deadline> fromHeaders(Function<String, String> headerLookup) {
    return fromHeader(headerLookup.apply(HEADER));
  }

  /**
   * Makes {@code deadline} the current thread's inbound deadline until the returned scope is
   * closed (which restores the previous one). A null deadline clears it for the scope.
   */
  public static Scope enter(Deadline deadline) {
    Deadline previous = CURRENT.get();
    set(deadline);
    return () -> set(previous);
  }

  /** The current thread's inbound deadline, if one was entered. */
  public static Optional<Deadline> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  private static void set(Deadline deadline) {
    if (deadline == null) {
      CURRENT.remove(); // leave nothing behind on pooled server threads
    } else {
      CURRENT.set(deadline);
    }
  }

  /** Ends an {@link #enter}; closing twice is harmless only if nothing was entered in between. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
