package io.beambridge.examples;

import io.beambridge.gen.StartOptions;
import io.beambridge.node.Node;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.TypeRef;
import java.util.Map;

/**
 * The example servers bound under their Elixir twins' names, so that an Elixir node
 * starts the Java twin as it starts its own: {@code :rpc.call(java, Stack, :start_link,
 * ["a,b"])}, and calls it with the twin's client functions ({@code Stack.pop(pid)}).
 */
public final class Examples {
    private Examples() {}

    private static final Atom START_LINK = Atom.of("start_link");

    /** Binds {@code Stack}, {@code Counter} and {@code Inventory}'s {@code start_link/1} on {@code node}. */
    public static void bind(Node node) {
        Rpc.bind(node, Atom.elixir("Stack"), START_LINK, 1,
                c -> c.startLink(new Stack(c.arg(0, String.class)), StartOptions.DEFAULT).toTerm());
        Rpc.bind(node, Atom.elixir("Counter"), START_LINK, 1,
                c -> c.startLink(new Counter(c.arg(0, Long.class)), StartOptions.DEFAULT).toTerm());
        Rpc.bind(node, Atom.elixir("Inventory"), START_LINK, 1,
                c -> c.startLink(new Inventory(c.arg(0).as(new TypeRef<Map<String, Long>>() {})),
                        StartOptions.DEFAULT).toTerm());
    }
}
