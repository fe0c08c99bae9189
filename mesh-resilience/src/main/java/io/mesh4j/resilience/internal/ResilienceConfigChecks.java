package io.mesh4j.resilience.internal;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.config.ServiceConfig;
import java.time.Duration;
import java.util.List;

/** Checks between resilience keys that parsing one key at a time cannot make. */
public final class ResilienceConfigChecks {

  private ResilienceConfigChecks() {}

  public static void validate(MeshConfig config, List<ConfigProblem> problems) {
    for (ServiceConfig s : config.services().values()) {
      notLonger(s, ResilienceKeys.RETRY_BACKOFF_BASE, ResilienceKeys.RETRY_BACKOFF_MAX, problems);
      notLonger(
          s, ResilienceKeys.OUTLIER_BASE_EJECTION_TIME, ResilienceKeys.OUTLIER_MAX_EJECTION_TIME, problems);
      if (s.get(ResilienceKeys.HC_PATH) != null) {
        notLonger(s, ResilienceKeys.HC_TIMEOUT, ResilienceKeys.HC_INTERVAL, problems);
      }
    }
  }

  private static void notLonger(
      ServiceConfig s, ConfigKey<Duration> shorter, ConfigKey<Duration> longer, List<ConfigProblem> problems) {
    Duration a = s.get(shorter);
    Duration b = s.get(longer);
    if (a != null && b != null && a.compareTo(b) > 0) {
      problems.add(
          new ConfigProblem(
              "mesh.services." + s.name() + "." + shorter.name(),
              a.toString(),
              null,
              "must not be longer than " + longer.name() + " (" + b + ") (expected: at most "
                  + longer.name() + ")"));
    }
  }
}
