package io.mesh4j.spi;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.ServiceAttributes;

/**
 * One service as the mesh routes it at one moment: its configuration and what discovery says of it
 * as a whole. Immutable: a request captures the snapshot current when it starts and finishes on
 * it, whatever is reconfigured meanwhile.
 */
public interface ServiceSnapshot {

  /** The logical service name ({@code http://<name>/...}). */
  String name();

  /** The service's configuration. */
  ServiceConfig config();

  /** The service attributes of discovery's last good answer (empty before the first). */
  ServiceAttributes attributes();
}
