package io.beambridge.node;

/**
 * Counters of one connection, read without stopping it.
 *
 * @param framesWritten messages and signals written (ticks excluded)
 * @param socketWrites  write calls that reached the socket; fewer than frames when
 *                      the writer batches
 * @param bytesWritten  bytes written to the socket
 * @param framesRead    packets read (ticks excluded)
 * @param queuedBytes   bytes waiting to be written now
 */
public record ConnectionStats(long framesWritten, long socketWrites, long bytesWritten, long framesRead,
                              long queuedBytes) {}
