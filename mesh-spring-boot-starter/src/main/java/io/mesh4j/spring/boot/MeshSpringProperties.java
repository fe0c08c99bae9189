package io.mesh4j.spring.boot;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The starter's own settings, under {@code mesh4j.spring.*}. They are kept out of {@code mesh.*} on
 * purpose: every {@code mesh.*} key goes to mesh4j unchanged and is validated by it, so a misspelt
 * {@code mesh.*} key fails startup with mesh4j's message and suggestion.
 *
 * @param enabled false turns the whole auto-configuration off (no MeshClient, no customizers)
 * @param propertiesFile filesystem path (not a {@code classpath:}/{@code file:} location) of a mesh4j
 *     properties file read (and watched) under the Spring keys; when unset, a {@code
 *     mesh.properties} at the root of the classpath is read if there is one
 * @param shutdownGrace how long in-flight mesh calls may take to finish when the context closes;
 *     unset: {@code spring.lifecycle.timeout-per-shutdown-phase} (Spring's default 30s)
 * @param restClient whether RestClient.Builder and RestTemplateBuilder send through the mesh
 * @param health health indicator settings
 */
@ConfigurationProperties("mesh4j.spring")
public record MeshSpringProperties(
    @DefaultValue("true") boolean enabled,
    String propertiesFile,
    Duration shutdownGrace,
    @DefaultValue RestClient restClient,
    @DefaultValue Health health) {

  /** @param enabled false leaves RestClient.Builder and RestTemplateBuilder untouched */
  public record RestClient(@DefaultValue("true") boolean enabled) {}

  /**
   * @param requiredServices services without which this application cannot work: one of them with
   *     no eligible endpoint or an open circuit makes the mesh health DOWN. Any other service only
   *     shows its state in the details.
   */
  public record Health(@DefaultValue List<String> requiredServices) {
    public Health {
      requiredServices = List.copyOf(requiredServices);
    }
  }
}
