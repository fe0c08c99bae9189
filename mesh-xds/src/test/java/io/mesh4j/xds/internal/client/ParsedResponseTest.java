package io.mesh4j.xds.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParsedResponseTest {

  private static final ResourceValidator<Message> NO_C =
      resource -> ((Cluster) resource).getName().equals("c") ? List.of("name: c is not allowed") : List.of();

  @Test
  void keepsValidSubscribedResourcesAndListsTheErrorsOfInvalidOnesByName() {
    ParsedResponse parsed =
        ParsedResponse.parse(
            XdsResourceType.CLUSTER,
            List.of(Any.pack(cluster("a")), Any.pack(cluster("c")), Any.pack(cluster("unasked"))),
            Set.of("a", "c"),
            NO_C);

    assertThat(parsed.valid()).containsOnlyKeys("a");
    assertThat(parsed.invalid()).containsEntry("c", List.of("name: c is not allowed"));
    assertThat(parsed.errors()).containsExactly("c: name: c is not allowed");
    assertThat(parsed.namesSeen()).containsExactlyInAnyOrder("a", "c", "unasked");
    assertThat(parsed.allUnpacked()).isTrue();
  }

  @Test
  void reportsAResourceOfAnotherTypeOrWithCorruptBytesByItsIndexAndMarksTheResponseIncomplete() {
    Any corrupt =
        Any.newBuilder()
            .setTypeUrl(XdsResourceType.CLUSTER.typeUrl())
            .setValue(ByteString.copyFromUtf8("\u00ff\u00ff\u00ff"))
            .build();

    ParsedResponse parsed =
        ParsedResponse.parse(
            XdsResourceType.CLUSTER,
            List.of(Any.pack(Listener.newBuilder().setName("l").build()), corrupt),
            Set.of("l"),
            ResourceValidator.ACCEPT_ALL);

    assertThat(parsed.errors())
        .satisfiesExactly(
            e -> assertThat(e).startsWith("resource #0: cannot unpack as " + XdsResourceType.CLUSTER.typeUrl()),
            e -> assertThat(e).startsWith("resource #1: cannot unpack as "));
    assertThat(parsed.allUnpacked()).isFalse();
    assertThat(parsed.valid()).isEmpty();
  }

  @Test
  void unwrapsResourcesSentInsideADiscoveryResourceWrapper() {
    Any wrapped = Any.pack(Resource.newBuilder().setName("a").setResource(Any.pack(cluster("a"))).build());

    ParsedResponse parsed =
        ParsedResponse.parse(XdsResourceType.CLUSTER, List.of(wrapped), Set.of("a"), ResourceValidator.ACCEPT_ALL);

    assertThat(parsed.valid()).containsEntry("a", cluster("a"));
  }

  @Test
  void rejectsADuplicateNameAndAValidatorThatThrows() {
    ResourceValidator<Message> throwing =
        resource -> {
          throw new IllegalStateException("boom");
        };

    ParsedResponse duplicate =
        ParsedResponse.parse(
            XdsResourceType.CLUSTER,
            List.of(Any.pack(cluster("a")), Any.pack(cluster("a"))),
            Set.of("a"),
            ResourceValidator.ACCEPT_ALL);
    ParsedResponse thrown =
        ParsedResponse.parse(XdsResourceType.CLUSTER, List.of(Any.pack(cluster("b"))), Set.of("b"), throwing);

    assertThat(duplicate.valid()).isEmpty();
    assertThat(duplicate.errors()).containsExactly("a: duplicate resource name in one response");
    assertThat(thrown.errors()).containsExactly("b: validation failed: java.lang.IllegalStateException: boom");
  }

  @Test
  void ignoresADuplicateNameOfAResourceNobodySubscribedTo() {
    ParsedResponse parsed =
        ParsedResponse.parse(
            XdsResourceType.CLUSTER,
            List.of(Any.pack(cluster("a")), Any.pack(cluster("other")), Any.pack(cluster("other"))),
            Set.of("a"),
            ResourceValidator.ACCEPT_ALL);

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.valid()).containsOnlyKeys("a");
    assertThat(parsed.namesSeen()).containsExactly("a", "other");
  }

  private static Cluster cluster(String name) {
    return Cluster.newBuilder().setName(name).build();
  }
}
