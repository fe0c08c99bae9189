package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.tls.TestCa;
import io.mesh4j.tls.internal.MaterialPublisher;
import io.mesh4j.tls.support.TlsFixtures;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualX509SourceTest {

  final TestCa ca = TestCa.root("example.org");

  @Test
  void exposesNoInternalSuperclass() {
    assertThat(MaterialPublisher.class.isAssignableFrom(ManualX509Source.class)).isFalse();
    assertThat(ManualX509Source.class.getSuperclass()).isEqualTo(Object.class);
    List<String> publicMethods = Arrays.stream(ManualX509Source.class.getMethods())
        .filter(m -> m.getDeclaringClass() != Object.class && Modifier.isPublic(m.getModifiers()))
        .map(Method::getName).distinct().sorted().toList();
    assertThat(publicMethods).containsExactlyInAnyOrder(
        "of", "update", "reportFailure", "close", "current", "svid", "bundles",
        "addListener", "removeListener", "status", "addStatusListener", "removeStatusListener");
  }

  @Test
  void updatesReachListenersAndFailuresReachTheStatus() {
    ManualX509Source src = ManualX509Source.of(
        TlsFixtures.svid(ca.svid("spiffe://example.org/a")), TlsFixtures.bundles("example.org", ca));
    List<TlsMaterial> seen = new ArrayList<>();
    List<SvidStatus> statuses = new ArrayList<>();
    src.addListener(seen::add); // replayed at once
    src.addStatusListener(statuses::add);
    X509Svid next = TlsFixtures.svid(ca.svid("spiffe://example.org/a"));
    src.update(next, src.bundles());
    src.reportFailure("renewal failed");
    assertThat(seen).hasSize(2);
    assertThat(src.svid()).isEqualTo(next);
    assertThat(src.status().rotations()).isEqualTo(1);
    assertThat(src.status().renewalFailures()).isEqualTo(1);
    assertThat(statuses).hasSize(2);
    src.close();
    assertThat(src.svid()).isEqualTo(next);
  }
}
