/**
 * beambridge: Java processes as citizens of an Erlang/Elixir cluster.
 *
 * <p>The API: {@code io.beambridge.term} (terms, and Java values as terms),
 * {@code io.beambridge.node} (a node and its processes), {@code io.beambridge.gen}
 * (GenServer, Supervisor, sys), {@code io.beambridge.registry}, {@code io.beambridge.global},
 * {@code io.beambridge.rpc}, {@code io.beambridge.pg} (process groups). The runtime
 * ({@code io.beambridge.internal.*}: processes, distribution, rpc server) is not exported.
 */
module io.beambridge {
    requires jinterface;
    requires org.slf4j;
    requires jdk.management;
    // meters, only when a node is given a registry (NodeOptions.meterRegistry); absent otherwise
    requires static micrometer.core;
    // SIGTERM as an Elixir release takes it (NodeOptions.stopOnSigterm): sun.misc.Signal
    requires jdk.unsupported;

    exports io.beambridge.term;
    exports io.beambridge.node;
    exports io.beambridge.gen;
    exports io.beambridge.registry;
    exports io.beambridge.global;
    exports io.beambridge.rpc;
    exports io.beambridge.pg;
}
