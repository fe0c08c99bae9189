package io.mesh4j.discovery.etcd.internal;

import java.io.IOException;

/** etcd answered a call with an error of its own, such as "requested lease not found". */
public final class EtcdErrorException extends IOException {

  private static final long serialVersionUID = 1L;

  /** gRPC's NOT_FOUND, as the gateway reports a lease that expired or was revoked. */
  static final int NOT_FOUND = 5;

  private final int grpcCode;

  EtcdErrorException(String endpoint, String path, int httpStatus, String message, int grpcCode) {
    super("etcd " + endpoint + path + " answered HTTP " + httpStatus + ": " + message);
    this.grpcCode = grpcCode;
  }

  /** The gRPC status code the gateway reported, or -1. */
  public int grpcCode() {
    return grpcCode;
  }
}
