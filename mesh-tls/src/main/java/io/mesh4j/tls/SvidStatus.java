package io.mesh4j.tls;

import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of a source's SVID for monitoring: what is presented, how long it has left, how often
 * it rotated and how often renewal failed.
 *
 * @param spiffeId the SVID's SPIFFE ID
 * @param serialHex the leaf certificate's serial number in hex
 * @param notAfter when the leaf expires
 * @param secondsToExpiry seconds from the snapshot to {@code notAfter} (negative once expired)
 * @param rotations how many times a new SVID replaced the previous one
 * @param renewalFailures how many renewals or reloads failed since the source started
 * @param lastFailure the last failure's message, if any
 */
public record SvidStatus(
    SpiffeId spiffeId,
    String serialHex,
    Instant notAfter,
    long secondsToExpiry,
    long rotations,
    long renewalFailures,
    Optional<String> lastFailure) {}
