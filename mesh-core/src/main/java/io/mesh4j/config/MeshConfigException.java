package io.mesh4j.config;

import io.mesh4j.MeshException;
import java.util.List;

/** The configuration has problems; all of them are listed, not only the first. */
public final class MeshConfigException extends MeshException {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public MeshConfigException(List<ConfigProblem> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String format(List<ConfigProblem> problems) {
    StringBuilder s = new StringBuilder("invalid mesh4j configuration (");
    s.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
    for (ConfigProblem p : problems) {
      s.append("\n  - ").append(p);
    }
    return s.toString();
  }
}
