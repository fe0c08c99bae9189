package io.mesh4j.xds.internal.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resources of one discovery response, unpacked and validated: the valid subscribed ones, the
 * invalid ones with their errors, and every name the response carried (subscribed or not).
 *
 * @param valid subscribed resources that passed validation, by name, in response order
 * @param invalid subscribed resource names that failed, with their errors
 * @param errors every error line of the response, {@code "name: error"}, for the NACK
 * @param namesSeen the names of every resource that could be unpacked
 * @param allUnpacked false when a resource could not be unpacked (so its name is unknown)
 */
record ParsedResponse(
    Map<String, Message> valid,
    Map<String, List<String>> invalid,
    List<String> errors,
    Set<String> namesSeen,
    boolean allUnpacked) {

  private static final String RESOURCE_WRAPPER_TYPE_URL =
      "type.googleapis.com/" + Resource.getDescriptor().getFullName();

  static ParsedResponse parse(
      XdsResourceType type,
      List<Any> resources,
      Set<String> subscribed,
      ResourceValidator<Message> validator) {
    Map<String, Message> valid = new LinkedHashMap<>();
    Map<String, List<String>> invalid = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    Set<String> namesSeen = new TreeSet<>();
    boolean allUnpacked = true;
    for (int i = 0; i < resources.size(); i++) {
      Message resource;
      try {
        resource = unpack(type, resources.get(i));
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        allUnpacked = false;
        errors.add("resource #" + i + ": cannot unpack as " + type.typeUrl() + ": " + e.getMessage());
        continue;
      }
      String name = type.nameOf(resource);
      if (!namesSeen.add(name)) {
        if (subscribed.contains(name)) { // a resource nobody asked for is ignored, duplicated or not
          errors.add(name + ": duplicate resource name in one response");
          valid.remove(name);
          invalid.computeIfAbsent(name, n -> new ArrayList<>()).add("duplicate resource name in one response");
        }
        continue;
      }
      if (!subscribed.contains(name)) {
        continue; // nobody asked for it (a server that sends more than requested): ignored
      }
      List<String> problems = validate(validator, resource);
      if (problems.isEmpty()) {
        valid.put(name, resource);
      } else {
        invalid.put(name, new ArrayList<>(problems));
        for (String problem : problems) {
          errors.add(name + ": " + problem);
        }
      }
    }
    return new ParsedResponse(valid, invalid, errors, namesSeen, allUnpacked);
  }

  private static Message unpack(XdsResourceType type, Any any) throws InvalidProtocolBufferException {
    Any payload = any;
    if (RESOURCE_WRAPPER_TYPE_URL.equals(any.getTypeUrl())) {
      payload = any.unpack(Resource.class).getResource();
    }
    if (!type.typeUrl().equals(payload.getTypeUrl())) {
      throw new InvalidProtocolBufferException("type_url is " + payload.getTypeUrl());
    }
    return payload.unpack(type.messageClass());
  }

  private static List<String> validate(ResourceValidator<Message> validator, Message resource) {
    try {
      List<String> problems = validator.errors(resource);
      return problems == null ? List.of() : problems;
    } catch (RuntimeException e) {
      return List.of("validation failed: " + e);
    }
  }
}
