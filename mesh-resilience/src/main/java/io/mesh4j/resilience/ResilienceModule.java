package io.mesh4j.resilience;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.resilience.internal.EventDispatcher;
import io.mesh4j.resilience.internal.ResilienceConfigChecks;
import io.mesh4j.resilience.internal.ClientResilience;
import io.mesh4j.resilience.internal.ResilienceKeys;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshModule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * mesh-resilience: circuit breakers, bulkheads, retries with budgets, deadlines, passive outlier
 * detection and active health checks. Found on the classpath with {@link java.util.ServiceLoader};
 * to listen to its events or read its state, create one and give it to the builder, which then
 * uses it instead of the discovered one:
 *
 * <pre>{@code
 * ResilienceModule resilience = new ResilienceModule().addListener(event -> log.info("{}", event));
 * MeshClient mesh = MeshClient.builder().propertiesFile(path).module(resilience).build();
 * resilience.snapshot("orders").ifPresent(s -> ...);
 * }</pre>
 *
 * <p>Each client's part is a {@link ResilienceExtension} ({@code mesh.extension(ResilienceExtension.class)}),
 * where listeners for that client alone can be added.
 *
 * See docs/resilience.md for keys and behaviour.
 */
public final class ResilienceModule implements MeshModule {

  private final List<ResilienceListener> listeners = new CopyOnWriteArrayList<>();
  private final List<ResilienceExtension> running = new CopyOnWriteArrayList<>();

  /** Adds a listener for the events of every client this module runs in. */
  public ResilienceModule addListener(ResilienceListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  public void removeListener(ResilienceListener listener) {
    listeners.remove(listener);
  }

  /** The state of a service in the (first open) client this module runs in. */
  public Optional<ServiceResilienceSnapshot> snapshot(String service) {
    for (ResilienceExtension extension : running) {
      Optional<ServiceResilienceSnapshot> s = extension.snapshot(service);
      if (s.isPresent()) {
        return s;
      }
    }
    return Optional.empty();
  }

  @Override
  public String name() {
    return "resilience";
  }

  @Override
  public String artifactId() {
    return "mesh-resilience";
  }

  @Override
  public List<ConfigKey<?>> serviceKeys() {
    return ResilienceKeys.ALL;
  }

  @Override
  public void validate(MeshConfig config, List<ConfigProblem> problems) {
    ResilienceConfigChecks.validate(config, problems);
  }

  /** A {@link ResilienceExtension}: other modules find it with {@code MeshContext.extension}. */
  @Override
  public ResilienceExtension create(MeshContext context) {
    EventDispatcher events = new EventDispatcher(listeners);
    ResilienceExtension extension = new ResilienceExtension(new ClientResilience(context, events), events, running::remove);
    running.add(extension);
    return extension;
  }
}
