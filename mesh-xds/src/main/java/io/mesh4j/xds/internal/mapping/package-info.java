/**
 * Pure mappings from Envoy v3 resources (Cluster, ClusterLoadAssignment, Listener,
 * RouteConfiguration) to what the mesh understands: service-relative config keys, endpoints and a
 * per-request route table. Every problem is returned as {@code "field.path: what is wrong"} for the
 * ADS client's NACK; nothing here throws on bad input or weakens TLS.
 */
package io.mesh4j.xds.internal.mapping;
