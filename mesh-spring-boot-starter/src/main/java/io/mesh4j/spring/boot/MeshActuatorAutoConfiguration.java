package io.mesh4j.spring.boot;

import io.mesh4j.MeshClient;
import io.mesh4j.spring.boot.internal.MeshHealthIndicator;
import io.mesh4j.spring.boot.internal.MeshInfoContributor;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * The mesh in Spring Boot Actuator: health indicator {@code mesh} ({@code management.health.mesh.enabled})
 * and info contributor {@code mesh} ({@code management.info.mesh.enabled}). Needs spring-boot-actuator.
 */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(MeshClient.class)
public class MeshActuatorAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnEnabledHealthIndicator("mesh")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "meshHealthIndicator")
    MeshHealthIndicator meshHealthIndicator(MeshClient mesh, MeshSpringProperties settings) {
      return new MeshHealthIndicator(mesh, settings.health().requiredServices());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnEnabledInfoContributor("mesh")
  static class Info {
    @Bean
    @ConditionalOnMissingBean(name = "meshInfoContributor")
    MeshInfoContributor meshInfoContributor(MeshClient mesh, ResourceLoader resourceLoader) {
      ClassLoader loader = resourceLoader.getClassLoader();
      return new MeshInfoContributor(mesh, loader != null ? loader : MeshClient.class.getClassLoader());
    }
  }
}
