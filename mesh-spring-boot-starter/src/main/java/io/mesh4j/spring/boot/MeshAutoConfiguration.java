package io.mesh4j.spring.boot;

import io.mesh4j.MeshClient;
import io.mesh4j.spring.boot.internal.MeshClientFactory;
import io.mesh4j.spring.boot.internal.MeshLifecycle;
import io.mesh4j.spring.boot.internal.MeshOkHttpClients;
import io.mesh4j.spring.boot.internal.OkHttpClientHttpRequestFactory;
import io.mesh4j.spring.boot.internal.OwnedOkHttpClients;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ResourceLoader;

/**
 * mesh4j in a Spring Boot application: a {@link MeshClient} built from the {@code mesh.*} keys of
 * the Spring Environment, a mesh-wrapped {@link OkHttpClient}, RestClient.Builder and
 * RestTemplateBuilder that send through it, and a shutdown tied to the context. Off with {@code
 * mesh4j.spring.enabled=false}. See docs/spring-boot.md.
 */
@AutoConfiguration(
    beforeName = {
      // the mesh's ClientHttpRequestFactoryBuilder must exist before Boot's backs off from it
      "org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration",
      "org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration",
      "org.springframework.boot.autoconfigure.web.client.RestTemplateAutoConfiguration"
    })
@ConditionalOnClass({MeshClient.class, OkHttpClient.class})
@ConditionalOnProperty(prefix = "mesh4j.spring", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(MeshSpringProperties.class)
public class MeshAutoConfiguration {

  /** Spring's default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
  static final Duration SPRING_DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

  /** The mesh; mesh4j validates its keys here, so a bad {@code mesh.*} key fails startup naming it. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public MeshClient meshClient(
      ConfigurableEnvironment environment, MeshSpringProperties settings, ResourceLoader resourceLoader) {
    // the application's class loader (devtools' restart loader included): mesh4j finds its modules there
    ClassLoader loader = resourceLoader.getClassLoader();
    if (loader == null) {
      loader = MeshClient.class.getClassLoader();
    }
    return MeshClientFactory.create(environment, settings, loader);
  }

  /**
   * The mesh-wrapped OkHttp client. Backs off when the application defines an OkHttpClient bean of
   * its own; RestClient and RestTemplate then send through that one, wrapped by the mesh.
   */
  @Bean
  @ConditionalOnMissingBean(OkHttpClient.class)
  public OkHttpClient meshOkHttpClient(MeshClient mesh, OwnedOkHttpClients owned) {
    return MeshOkHttpClients.wrap(mesh, owned.create());
  }

  /** Releases the threads and connections of the OkHttp clients the starter created. */
  @Bean
  @ConditionalOnMissingBean
  public OwnedOkHttpClients meshOwnedOkHttpClients() {
    return new OwnedOkHttpClients();
  }

  /** Stops the mesh after the web server, letting in-flight mesh calls finish within the grace. */
  @Bean
  @ConditionalOnMissingBean
  public MeshLifecycle meshLifecycle(MeshClient mesh, MeshSpringProperties settings, ConfigurableEnvironment environment) {
    Duration grace = settings.shutdownGrace();
    if (grace == null) {
      grace = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase", Duration.class, SPRING_DEFAULT_PHASE_TIMEOUT);
    }
    return new MeshLifecycle(mesh, grace);
  }

  /**
   * RestClient.Builder and RestTemplateBuilder send through the mesh (requests to other hosts pass
   * through): the mesh's request factory is their default {@link ClientHttpRequestFactoryBuilder},
   * in place of Boot's, so a builder given a request factory of its own keeps it.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.web.client.RestClient")
  @ConditionalOnProperty(prefix = "mesh4j.spring.rest-client", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class RestClients {

    @Bean
    @ConditionalOnMissingBean(name = "meshClientHttpRequestFactory")
    OkHttpClientHttpRequestFactory meshClientHttpRequestFactory(
        MeshClient mesh, ObjectProvider<OkHttpClient> clients, OwnedOkHttpClients owned) {
      // several OkHttpClient beans of the application's: none is chosen, the factory gets its own
      OkHttpClient client = clients.getIfUnique(owned::create);
      return new OkHttpClientHttpRequestFactory(MeshOkHttpClients.throughMesh(mesh, client));
    }

    /**
     * Boot's {@code HttpClientAutoConfiguration} backs off from its own builder when this one is
     * present. {@code spring.http.client.*} settings (timeouts, SSL bundle, redirects) and a builder's
     * {@code requestFactorySettings}/timeouts do not apply to the mesh's factory: the mesh's
     * per-service keys and the OkHttpClient do.
     */
    @Bean
    @ConditionalOnMissingBean(ClientHttpRequestFactoryBuilder.class)
    ClientHttpRequestFactoryBuilder<?> meshClientHttpRequestFactoryBuilder(
        OkHttpClientHttpRequestFactory meshClientHttpRequestFactory) {
      return settings -> meshClientHttpRequestFactory;
    }
  }
}
