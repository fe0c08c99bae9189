package io.mesh4j.event;

import io.mesh4j.config.ConfigProblem;
import java.util.List;

/** A configuration change was invalid: nothing of it was applied and the last good config keeps serving. */
public record ConfigRejected(String origin, List<ConfigProblem> problems) implements MeshEvent {
  public ConfigRejected {
    problems = List.copyOf(problems);
  }

  @Override
  public String service() {
    return null;
  }
}
