package io.mesh4j.xds.internal.bootstrap;

import java.util.List;

/** A bootstrap that cannot be used: each problem names its field ({@code xds_servers[0].server_uri: missing}). */
final class BootstrapException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  BootstrapException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  List<String> problems() {
    return problems;
  }
}
