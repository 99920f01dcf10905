package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambridge.global.Global;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code :global} name of a Java process outlives a disconnect of the visible node it
 * was registered through: when that node connects again, the name is back, as a BEAM
 * node's names come back after a reconnect (within 3 s there).
 */
class GlobalReconnectTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    @Test
    void aJavaProcessGetsItsGlobalNameBackWhenTheVisibleNodeReconnects() {
        Node java = cluster.javaNode("java");
        BeamNode ex = cluster.elixir("ex").start();
        try (Proc holder = java.mailbox()) {
            Term name = Term.tuple(Atom.of("reconnect"), 1);
            java.connect(ex.name());
            assertEquals(true, Global.of(java).registerName(name, holder.self()));
            assertEquals(holder.self(), await(ex, name, holder.self()), "registered");

            ex.evalElixir("Node.disconnect(:\"" + java.name() + "\")");
            assertEquals(Atom.UNDEFINED, await(ex, name, Atom.UNDEFINED), "lost while disconnected, as on BEAM");

            ex.evalElixir("Node.connect(:\"" + java.name() + "\")");
            assertEquals(holder.self(), await(ex, name, holder.self()), "back after the reconnect");
        }
    }

    /** What {@code :global.whereis_name/1} says on {@code node} once it says {@code expected}, or after 3 s. */
    private static Term await(BeamNode node, Term name, Term expected) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
        Term now;
        while (!(now = node.rpc(Atom.of("global"), Atom.of("whereis_name"), name)).equals(expected)
                && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll the node's global
        }
        return now;
    }
}
