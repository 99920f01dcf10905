package io.beambridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A node the kit did not start joins the cluster by its name, EPMD and cookie; resources closed with the cluster. */
class ExternalNodeTest {

    @Test
    void aNodeStartedOutsideTheKitIsCalledThroughNodeCalls() throws Exception {
        List<String> closed = new ArrayList<>();
        try (BeamCluster cluster = BeamCluster.create()) {
            String name = cluster.nodeName("outsider");
            assertTrue(name.matches("outsider_[a-z0-9]+@localhost"), name);
            ProcessBuilder pb = new ProcessBuilder("erl", "-sname", name, "-setcookie", cluster.cookie(), "-noshell",
                    "-start_epmd", "false").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("ERL_EPMD_PORT", Integer.toString(cluster.epmdPort()));
            Process erl = pb.start();
            cluster.closeAtEnd(() -> {
                erl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                closed.add("erl");
            });
            NodeCalls calls = cluster.calls(name);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!calls.ping()) { // nothing tells when it is up: poll
                assertTrue(System.nanoTime() < deadline && erl.isAlive(), "the node came up");
                Thread.sleep(20);
            }
            assertEquals(Term.integer(3), calls.eval("1 + 2"));
            assertEquals(Atom.of(name), calls.rpc(Atom.of("erlang"), Atom.of("node")));
            assertTrue(calls.callerNode().startsWith("testkit_"));
            assertThrows(RpcException.class, () -> calls.eval("erlang:error(boom)"));
            assertThrows(IllegalArgumentException.class, () -> cluster.nodeName("not a name"));
        }
        assertEquals(List.of("erl"), closed, "closed with the cluster");
    }
}
