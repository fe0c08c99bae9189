package io.mesh4j.discovery.dns.internal;

/** No server gave a usable answer; the message names the query and what each server did. */
public final class DnsLookupException extends Exception {

  public DnsLookupException(String message) {
    super(message);
  }

  public DnsLookupException(String message, Throwable cause) {
    super(message, cause);
  }
}
