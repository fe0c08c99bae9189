package io.mesh4j.resilience;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.resilience.internal.EventDispatcher;
import io.mesh4j.resilience.internal.ResilienceConfigChecks;
import io.mesh4j.resilience.internal.ResilienceExtension;
import io.mesh4j.resilience.internal.ResilienceKeys;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
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

  @Override
  public MeshExtension create(MeshContext context) {
    ResilienceExtension extension = new ResilienceExtension(context, new EventDispatcher(listeners));
    running.add(extension);
    return new MeshExtension() {
      @Override
      public List<io.mesh4j.pipeline.MeshStage> stages() {
        return extension.stages();
      }

      @Override
      public List<io.mesh4j.spi.EndpointFilter> endpointFilters() {
        return extension.endpointFilters();
      }

      @Override
      public List<okhttp3.Interceptor> networkInterceptors() {
        return extension.networkInterceptors();
      }

      @Override
      public void close() {
        running.remove(extension);
        extension.close();
      }
    };
  }
}
