package io.mesh4j.benchmarks.lbq;

/**
 * Something the scenario did during a run, at seconds since its start: drawn on the charts and
 * kept in the results.
 *
 * @param kind {@code stall}, {@code recover}, {@code slow}, {@code kill}, {@code add}, {@code remove}
 * @param backend the backend it concerns (a zone's first one for a zone), or empty
 */
record ScenarioEvent(double atSeconds, String kind, String backend, String text) {}
