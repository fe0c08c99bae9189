package io.mesh4j.discovery.etcd.internal;

import java.io.IOException;

/** No etcd endpoint could be reached (or each answered with a server error); the message says how each failed. */
public final class EtcdUnavailableException extends IOException {

  private static final long serialVersionUID = 1L;

  public EtcdUnavailableException(String message) {
    super(message);
  }
}
