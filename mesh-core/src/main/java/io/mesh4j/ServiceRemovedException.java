package io.mesh4j;

import java.io.IOException;

/**
 * A request named a host that was a mesh service and has been removed from the configuration. The
 * mesh fails it closed rather than send it through DNS unmeshed (without mTLS, identity checks or
 * balancing) to whatever the name may resolve to.
 */
public final class ServiceRemovedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String service;

  public ServiceRemovedException(String service) {
    super("service '" + service + "' was removed from the mesh configuration: the request is refused rather than "
        + "sent unmeshed through DNS (add mesh.services." + service + ".* back to route it again)");
    this.service = service;
  }

  public String service() {
    return service;
  }
}
