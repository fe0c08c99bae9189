package io.mesh4j.config;

import java.util.List;

/**
 * A cross-key check that single-key parsing cannot make, such as "ring-hash needs lb.hash-header".
 * Runs on what parsed (keys whose values failed are absent); adds one problem per thing wrong
 * rather than throwing, so the user sees everything at once.
 */
@FunctionalInterface
public interface ConfigValidator {

  void validate(MeshConfig config, List<ConfigProblem> problems);
}
