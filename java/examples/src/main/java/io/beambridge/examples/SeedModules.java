package io.beambridge.examples;

import io.beambridge.node.Node;

/**
 * The seed's {@code MyApp.*} modules, bound under their Elixir names so that
 * {@code :rpc.call(java_node, MyApp.HelloServer, :start_link, [123])} works.
 */
public final class SeedModules {
    private SeedModules() {}

    /** Binds every seed module on {@code node}. */
    public static void bind(Node node) {
        // bound once the GenServer layer lands
    }
}
