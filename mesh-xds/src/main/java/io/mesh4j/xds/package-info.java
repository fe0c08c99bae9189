/** mesh-xds: service discovery, per-service policy and HTTP routes from an xDS control plane (ADS, v3). */
package io.mesh4j.xds;
