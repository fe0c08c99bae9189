package io.mesh4j.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ServiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoutePoliciesTest {

  private final AtomicInteger builds = new AtomicInteger();
  private final RoutePolicies policies = new RoutePolicies(config -> {
    builds.incrementAndGet();
    return RetryPolicy.of(config);
  });

  private static ServiceConfig target(Map<ConfigKey<?>, ?> overrides) {
    return ServiceConfig.of("orders-v1", Map.of(ResilienceKeys.RETRY_MAX_ATTEMPTS, 1)).withOverrides(overrides);
  }

  @Test
  void aConfigurationsPolicyIsBuiltOnceHoweverManyRequestsUseIt() {
    ServiceConfig routed = target(Map.of(ResilienceKeys.RETRY_MAX_ATTEMPTS, 3));

    RetryPolicy first = policies.policy(routed);
    for (int i = 0; i < 100; i++) {
      assertThat(policies.policy(routed)).isSameAs(first);
    }

    assertThat(builds).hasValue(1);
    assertThat(first.maxAttempts()).isEqualTo(3);
  }

  @Test
  void configurationsAreToldApartByIdentityNotEquality() {
    ServiceConfig a = target(Map.of(ResilienceKeys.RETRY_MAX_ATTEMPTS, 3));
    ServiceConfig b = target(Map.of(ResilienceKeys.RETRY_MAX_ATTEMPTS, 3)); // equal, another instance

    policies.policy(a);
    policies.policy(b);
    policies.policy(a);
    policies.policy(b);

    assertThat(a).isEqualTo(b);
    assertThat(builds).hasValue(2);
  }

  @Test
  void theCacheKeepsTheNewestConfigurationsOnlyUpToItsBound() {
    List<ServiceConfig> configs = new ArrayList<>();
    for (int i = 0; i < RoutePolicies.MAX + 8; i++) {
      configs.add(target(Map.of(ResilienceKeys.RETRY_MAX_ATTEMPTS, 1 + i % 10)));
    }
    configs.forEach(policies::policy);
    assertThat(policies.size()).isEqualTo(RoutePolicies.MAX);
    assertThat(builds).hasValue(RoutePolicies.MAX + 8);

    policies.policy(configs.get(configs.size() - 1)); // the newest is held
    assertThat(builds).hasValue(RoutePolicies.MAX + 8);
    policies.policy(configs.get(0)); // the oldest was dropped: built again
    assertThat(builds).hasValue(RoutePolicies.MAX + 9);
  }
}
