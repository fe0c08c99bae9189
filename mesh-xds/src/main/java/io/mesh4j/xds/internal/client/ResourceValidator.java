package io.mesh4j.xds.internal.client;

import com.google.protobuf.Message;
import java.util.List;

/**
 * Checks one resource of a discovery response before it is applied. The errors of all the
 * resources of one response go into one NACK; the valid ones are applied anyway.
 */
@FunctionalInterface
public interface ResourceValidator<T extends Message> {

  /** Accepts everything: for a type with no validator. */
  ResourceValidator<Message> ACCEPT_ALL = resource -> List.of();

  /**
   * The problems of {@code resource}, each naming the field (e.g. {@code "lb_policy: MAGLEV with
   * ... is not supported"}); empty when it is valid. The client prefixes the resource's name.
   */
  List<String> errors(T resource);
}
