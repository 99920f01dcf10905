package io.beambridge.internal.runtime;

/** Carries signals to other nodes; implemented by the distribution layer. */
public interface SignalRouter {
    /**
     * Queues {@code signal} on the connection to {@link Signal#node()}. With
     * {@code connect}, sets up a missing connection first, blocking the caller as BEAM
     * suspends a sender; without it, a signal for a node not connected is not sent.
     *
     * @return false when the signal could not be queued
     */
    boolean route(Signal signal, boolean connect);
}
