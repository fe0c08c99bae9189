package io.mesh4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mesh4j.MeshClient;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.config.MeshConfigException;
import io.mesh4j.config.ServiceKeys;
import io.mesh4j.spring.boot.internal.MeshFailureAnalyzer;
import io.mesh4j.spring.boot.internal.SpringMeshProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestTemplateAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import io.mesh4j.spring.boot.internal.OkHttpClientHttpRequestFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/** How the Spring Environment becomes mesh4j's configuration, and what a bad key does to startup. */
class MeshConfigFromSpringTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class))
      .withPropertyValues("mesh.tls.mode=disabled");

  /** With Boot's HTTP client, RestTemplate and RestClient auto-configurations, as in an application. */
  private final ApplicationContextRunner restClientRunner = runner.withConfiguration(AutoConfigurations.of(
      HttpMessageConvertersAutoConfiguration.class, HttpClientAutoConfiguration.class,
      RestTemplateAutoConfiguration.class, RestClientAutoConfiguration.class));

  @Test
  void aMisspeltMeshKeyFailsStartupWithMesh4jsMessageNamingTheKey() {
    assertThatThrownBy(() -> new SpringApplicationBuilder(TestApp.class)
            .web(WebApplicationType.NONE)
            .properties("mesh.service=frontend", "mesh.tls.mode=disabled",
                "mesh.services.orders.endpoints=127.0.0.1:8081", "mesh.services.orders.timout=2s")
            .run())
        .rootCause()
        .isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("mesh.services.orders.timout")
        .hasMessageContaining("did you mean 'mesh.services.orders.timeout'");
  }

  @Test
  void startupFailureReportShowsMesh4jsProblemsNotABeanCreationChain() {
    Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(TestApp.class)
        .web(WebApplicationType.NONE)
        .properties("mesh.service=frontend", "mesh.tls.mode=disabled", "mesh.services.orders.endpoints=nowhere:x")
        .run());
    FailureAnalysis analysis = new MeshFailureAnalyzer().analyze(failure);
    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription())
        .startsWith("invalid mesh4j configuration (1 problem)")
        .contains("mesh.services.orders.endpoints");
    assertThat(analysis.getAction()).contains("mesh4j.spring.enabled=false");
  }

  @Test
  void anIncompatibleOkHttpAtStartupIsReportedWithTheAlignmentFix() {
    var failure = new org.springframework.beans.factory.BeanCreationException("meshClient",
        new io.mesh4j.IncompatibleOkHttpException("okhttp3 is OkHttp 4.12.0 from okhttp-4.12.0.jar"));
    FailureAnalysis analysis = new MeshFailureAnalyzer().analyze(failure);
    assertThat(analysis.getDescription()).isEqualTo("okhttp3 is OkHttp 4.12.0 from okhttp-4.12.0.jar");
    assertThat(analysis.getAction()).contains("okhttp-bom", "exclude com.squareup.okhttp3:okhttp");
  }

  @Test
  void aBadValueFailsStartupNamingTheKeyAndValue() {
    runner.withPropertyValues("mesh.service=frontend", "mesh.services.orders.endpoints=127.0.0.1:8081",
            "mesh.services.orders.timeout=soon")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .isInstanceOf(MeshConfigException.class)
              .hasMessageContaining("mesh.services.orders.timeout")
              .hasMessageContaining("soon");
        });
  }

  @Test
  void mesh4jSpringEnabledFalseLeavesNoMeshBeans() {
    runner.withPropertyValues("mesh4j.spring.enabled=false", "mesh.services.orders.timout=ignored")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(MeshClient.class);
          assertThat(context).doesNotHaveBean(OkHttpClient.class);
        });
  }

  @Test
  void springKeysOverrideAMeshPropertiesFileKeyByKey(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("mesh.properties");
    Files.writeString(file, String.join("\n",
        "mesh.service=from-file",
        "mesh.config.watch=false",
        "mesh.services.orders.endpoints=127.0.0.1:8081",
        "mesh.services.orders.timeout=3s",
        "mesh.services.billing.endpoints=127.0.0.1:8083"));
    runner.withPropertyValues("mesh4j.spring.properties-file=" + file, "mesh.service=frontend",
            "mesh.services.billing.timeout=7s")
        .run(context -> {
          MeshClient mesh = context.getBean(MeshClient.class);
          assertThat(mesh.config().service()).isEqualTo("frontend");
          assertThat(mesh.config().service("orders").orElseThrow().get(ServiceKeys.TIMEOUT)).isEqualTo(Duration.ofSeconds(3));
          assertThat(mesh.config().service("billing").orElseThrow().get(ServiceKeys.TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
        });
  }

  @Test
  void meshEnvironmentVariablesOverrideSpringKeysAsMesh4jMatchesThem() {
    runner.withPropertyValues("mesh.service=frontend", "mesh.services.order-api.endpoints=127.0.0.1:8081",
            "mesh.services.order-api.timeout=2s")
        .withInitializer(context -> context.getEnvironment().getPropertySources().replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("MESH_SERVICES_ORDER_API_TIMEOUT", "9s"))))
        .run(context -> assertThat(context.getBean(MeshClient.class).config().service("order-api").orElseThrow()
            .get(ServiceKeys.TIMEOUT)).isEqualTo(Duration.ofSeconds(9)));
  }

  @Test
  void aYamlListBecomesMesh4jsCommaList() throws IOException {
    StandardEnvironment env = new StandardEnvironment();
    new YamlPropertySourceLoader().load("yaml", new ClassPathResource("mesh-list.yaml"))
        .forEach(env.getPropertySources()::addLast);
    env.getPropertySources().addFirst(new MapPropertySource("higher", Map.of("mesh.services.orders.timeout", "4s")));
    assertThat(SpringMeshProperties.read(env)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "mesh.service", "frontend",
        "mesh.services.orders.endpoints", "127.0.0.1:8081,127.0.0.1:8082;weight=2",
        "mesh.services.orders.timeout", "4s"));
  }

  @Test
  void aCamelCaseMeshKeyIsNotRelaxedToKebabCaseAndFailsStartupNamingIt() {
    runner.withPropertyValues("mesh.service=frontend", "mesh.services.orders.endpoints=127.0.0.1:8081",
            "mesh.services.orders.perTryTimeout=1s")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .rootCause().hasMessageContaining("mesh.services.orders.perTryTimeout"));
  }

  @Test
  void aProfilesListReplacesTheBaseListInsteadOfMergingByIndex(@TempDir Path dir) throws IOException {
    assertThat(ordersEndpointsWithProdProfile(dir,
        "application.yaml", "mesh.services.orders.endpoints: [10.0.0.1:80, 10.0.0.2:80, 10.0.0.3:80]",
        "application-prod.yaml", "mesh.services.orders.endpoints: [10.9.9.9:80]"))
        .containsExactly("10.9.9.9:80");
  }

  @Test
  void aProfilesCommaStringReplacesTheBaseList(@TempDir Path dir) throws IOException {
    assertThat(ordersEndpointsWithProdProfile(dir,
        "application.yaml", "mesh.services.orders.endpoints: [10.0.0.1:80, 10.0.0.2:80, 10.0.0.3:80]",
        "application-prod.properties", "mesh.services.orders.endpoints=10.9.9.9:80,10.9.9.8:80"))
        .containsExactly("10.9.9.9:80", "10.9.9.8:80");
  }

  @Test
  void aProfilesListReplacesTheBaseCommaString(@TempDir Path dir) throws IOException {
    assertThat(ordersEndpointsWithProdProfile(dir,
        "application.properties", "mesh.services.orders.endpoints=10.0.0.1:80,10.0.0.2:80",
        "application-prod.yaml", "mesh.services.orders.endpoints: [10.9.9.9:80]"))
        .containsExactly("10.9.9.9:80");
  }

  @Test
  void aListInAHigherSourceBeatsACommaStringInALowerOneAndViceVersa() {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("application.properties",
        Map.of("mesh.services.orders.endpoints", "a:1,b:1", "mesh.services.users.endpoints[0]", "u:1",
            "mesh.services.users.endpoints[1]", "v:1")));
    env.getPropertySources().addFirst(new MapPropertySource("application-prod.yaml",
        Map.of("mesh.services.orders.endpoints[0]", "d:1", "mesh.services.users.endpoints", "w:1,x:1")));
    assertThat(SpringMeshProperties.read(env))
        .containsEntry("mesh.services.orders.endpoints", "d:1")
        .containsEntry("mesh.services.users.endpoints", "w:1,x:1")
        .doesNotContainKeys("mesh.services.orders.endpoints[0]", "mesh.services.users.endpoints[0]");
  }

  /** The orders endpoints the mesh discovered in an application run with profile prod, from files in dir. */
  private static List<String> ordersEndpointsWithProdProfile(
      Path dir, String baseFile, String base, String prodFile, String prod) throws IOException {
    String common = baseFile.endsWith(".yaml")
        ? "mesh.service: frontend\nmesh.tls.mode: disabled\n" : "mesh.service=frontend\nmesh.tls.mode=disabled\n";
    Files.writeString(dir.resolve(baseFile), common + base + "\n");
    Files.writeString(dir.resolve(prodFile), prod + "\n");
    try (var context = new SpringApplicationBuilder(MeshAutoConfiguration.class).web(WebApplicationType.NONE)
        .run("--spring.config.location=file:" + dir + "/", "--spring.profiles.active=prod")) {
      return context.getBean(MeshClient.class).discoveryStatus("orders").orElseThrow().discovered().stream()
          .map(Endpoint::authority).toList();
    }
  }

  @Test
  void anApplicationOkHttpClientIsWhatRestClientsSendThroughWrappedByTheMesh() {
    runner.withPropertyValues("mesh.service=frontend", "mesh.services.orders.endpoints=127.0.0.1:8081")
        .withConfiguration(AutoConfigurations.of(
            org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration.class))
        .withUserConfiguration(OwnOkHttp.class)
        .run(context -> {
          assertThat(context).getBeans(OkHttpClient.class).containsOnlyKeys("ownOkHttpClient");
          var factory = context.getBean(io.mesh4j.spring.boot.internal.OkHttpClientHttpRequestFactory.class);
          assertThat(factory.client().readTimeoutMillis()).isEqualTo(1234);
          assertThat(factory.client().interceptors()).hasSize(1); // the mesh's
        });
  }

  @Test
  void restClientEnabledFalseLeavesRestClientBuildersAlone() {
    restClientRunner.withPropertyValues("mesh.service=frontend", "mesh.services.orders.endpoints=127.0.0.1:8081",
            "mesh4j.spring.rest-client.enabled=false")
        .run(context -> {
          assertThat(context).hasSingleBean(MeshClient.class);
          assertThat(context).doesNotHaveBean(OkHttpClientHttpRequestFactory.class)
              .doesNotHaveBean("meshClientHttpRequestFactoryBuilder");
          assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class).build())
              .isNotInstanceOf(OkHttpClientHttpRequestFactory.class);
          assertThat(context.getBean(RestTemplateBuilder.class).build().getRequestFactory())
              .isNotInstanceOf(OkHttpClientHttpRequestFactory.class);
        });
  }

  @Test
  void plainRestTemplateBuilderAndRestClientBuilderSendThroughTheMesh() throws IOException {
    try (Backend orders = Backend.start("orders")) {
      restClientRunner.withPropertyValues("mesh.service=frontend", "mesh.services.orders.endpoints=" + orders.address())
          .run(context -> {
            assertThat(context).hasNotFailed();
            var factory = context.getBean(OkHttpClientHttpRequestFactory.class);
            assertThat(context.getBean(RestTemplateBuilder.class).build().getRequestFactory()).isSameAs(factory);
            // by service name: only the mesh can resolve "orders"
            assertThat(context.getBean(RestClient.Builder.class).build().get().uri("http://orders/items/1")
                .retrieve().body(String.class)).isEqualTo("orders GET /items/1");
            assertThat(context.getBean(RestTemplateBuilder.class).build()
                .getForObject("http://orders/items/2", String.class)).isEqualTo("orders GET /items/2");
          });
    }
  }

  @Test
  void aRequestFactoryGivenToTheBuilderIsKeptNotReplacedByTheMeshs() {
    restClientRunner.withPropertyValues("mesh.service=frontend", "mesh.services.orders.endpoints=127.0.0.1:8081")
        .run(context -> {
          assertThat(context).hasNotFailed();
          RestTemplateBuilder builder = context.getBean(RestTemplateBuilder.class);
          assertThat(builder.requestFactory(SimpleClientHttpRequestFactory::new).build().getRequestFactory())
              .isInstanceOf(SimpleClientHttpRequestFactory.class);
          var own = new SimpleClientHttpRequestFactory();
          assertThat(builder.requestFactory(() -> own).build().getRequestFactory()).isSameAs(own);
          // the shared builder itself still gives the mesh's factory
          assertThat(builder.build().getRequestFactory()).isInstanceOf(OkHttpClientHttpRequestFactory.class);
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnOkHttp {
    @Bean
    OkHttpClient ownOkHttpClient() {
      return new OkHttpClient.Builder().readTimeout(Duration.ofMillis(1234)).build();
    }
  }
}
