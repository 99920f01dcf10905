package io.beambridge.internal.metrics;

import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.IntConsumer;

/**
 * What the runtime tells about itself, for meters: the one interface the runtime calls.
 * {@link #NONE} does nothing (a node started without a meter registry); the Micrometer
 * implementation is loaded only when a registry is given, so a node runs without
 * Micrometer's classes. Hot paths ask {@link #enabled()} before they measure anything.
 *
 * <p>This package depends on no other package of beambridge; every layer may call it.
 */
public interface NodeMetrics {

    /** Measures nothing. */
    NodeMetrics NONE = new NodeMetrics() {
        @Override
        public boolean enabled() {
            return false;
        }
    };

    /**
     * The meters of node {@code nodeName} in {@code registry} (a Micrometer
     * {@code MeterRegistry}), or {@link #NONE} when {@code registry} is null.
     *
     * @throws IllegalArgumentException when {@code registry} is not a Micrometer {@code MeterRegistry}
     */
    static NodeMetrics of(Object registry, String nodeName) {
        return registry == null ? NONE : MicrometerMetrics.create(registry, nodeName);
    }

    /** False for {@link #NONE}: callers skip taking the time or building tags. */
    boolean enabled();

    /** The counters of one connection, read when meters are read (cumulative for that connection). */
    interface PeerCounters {
        long bytesIn();

        long bytesOut();

        long messagesIn();

        long messagesOut();

        long queuedBytes();

        /** How often a sender waited for the queue to drain below the busy limit. */
        long busyWaits();
    }

    /** A connection to {@code peer} is up; its counters add to the peer's from now on. */
    default void connected(String peer, PeerCounters counters) {}

    /** The connection to {@code peer} with {@code counters} is closed: what it counted stays in the peer's totals. */
    default void disconnected(String peer, PeerCounters counters) {}

    /**
     * A gauge {@code name} with the given tags ({@code key, value, key, value, ...}) read from
     * {@code value}; closing the handle removes it.
     */
    default AutoCloseable gauge(String name, String description, DoubleSupplier value, String... tags) {
        return () -> {};
    }

    /**
     * Where mailbox depths come from: {@code source} gives the message count of every process
     * to its argument. Sampled periodically into a distribution summary.
     */
    default void mailboxDepths(Consumer<IntConsumer> source) {}

    /**
     * A {@code handle_call} of server {@code server} took {@code nanos}. {@code server} is its
     * name (an atom, shown as {@code toString()} shows it; equal names are equal objects), or null.
     */
    default void callServed(Object server, long nanos) {}

    /** How a call ended, the {@code outcome} tag of {@code beambridge.calls.made}. */
    enum Outcome {
        OK, TIMEOUT, NOPROC, NODEDOWN, EXIT;

        final String tag = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A call made to {@code server} (its name as for {@link #callServed}, or null) took {@code nanos}. */
    default void callMade(Object server, Outcome outcome, long nanos) {}

    /** Supervisor {@code supervisor} (its name as for {@link #callServed}, or null) restarted a child. */
    default void restart(Object supervisor) {}

    /** The node has stopped: the meters are removed. */
    default void close() {}
}
