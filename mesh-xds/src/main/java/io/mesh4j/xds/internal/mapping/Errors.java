package io.mesh4j.xds.internal.mapping;

import java.util.ArrayList;
import java.util.List;

/** Collects "field.path: what is wrong" messages; the ADS client sends all of a response's in one NACK. */
final class Errors {

  private final List<String> messages = new ArrayList<>();

  void add(String field, String problem) {
    messages.add(field + ": " + problem);
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  int size() {
    return messages.size();
  }

  List<String> toList() {
    return List.copyOf(messages);
  }
}
