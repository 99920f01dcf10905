package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.global.Global;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A visible Java node ({@code NodeOptions.visible(true)}) with one or two BEAM nodes: it is
 * in their {@code nodes()}, its global name server syncs with theirs (their
 * {@code :global.sync()} returns), names registered on either side are seen on the other,
 * nodes learnt through global are connected (transitive connections), and
 * {@code :rpc.call(java, :global, ...)} answers from the Java node's own tables.
 */
class VisibleNodeTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    static final Atom GLOBAL = Atom.of("global");
    static final Duration BOUND = GlobalChecks.BOUND;

    @Test
    void aVisibleJavaNodeIsInNodesAndSyncsWithABeamNode() {
        BeamNode a = cluster.erl("a").start();
        assertEquals(Term.charlist(System.getProperty("beambridge.it.otp", "25")),
                a.rpc(Atom.of("erlang"), Atom.of("system_info"), Atom.of("otp_release")), "the OTP release under test");
        Node java = cluster.javaNode("zj", o -> o.visible(true));
        assertTrue(java.connect(a.name()));
        Within.within(BOUND, () -> GlobalChecks.nodes(a, "visible").contains(java.name()),
                "the Java node in nodes() of " + a.name());
        assertFalse(GlobalChecks.nodes(a, "hidden").contains(java.name()), "not hidden");
        assertEquals(List.of(a.name()), java.visibleNodes());
        assertEquals(Atom.OK, a.rpc(BOUND, GLOBAL, Atom.of("sync")), "global:sync() on the BEAM node returns");
        Global.of(java).sync();
        assertTrue(Global.of(java).ownServer());

        Term beamPid = a.eval("Pid = spawn(fun() -> receive stop -> ok end end), yes = global:register_name(beam_name, Pid), Pid");
        assertEquals(beamPid, Global.of(java).whereisName(Atom.of("beam_name")), "a BEAM registration, seen in Java");

        Proc p = java.spawn(self -> self.receive());
        assertTrue(Global.of(java).registerName(Atom.of("java_name"), p.self()));
        assertEquals(p.self(), a.rpc(GLOBAL, Atom.of("whereis_name"), Atom.of("java_name")), "seen on BEAM");
        assertFalse(Global.of(java).registerName(Atom.of("beam_name"), p.self()), "taken");
        assertEquals(p.self(), cluster.calls(java.name()).rpc(GLOBAL, Atom.of("whereis_name"), Atom.of("java_name")),
                ":rpc.call(java, :global, :whereis_name, [name]) answers from the Java node's table");

        p.close();
        Within.within(BOUND, () -> Atom.UNDEFINED.equals(a.rpc(GLOBAL, Atom.of("whereis_name"),
                Atom.of("java_name"))), "the name gone on BEAM once the Java process ended");
        a.eval("global:send(beam_name, stop)");
        Within.within(BOUND, () -> Global.of(java).whereisName(Atom.of("beam_name")) == null,
                "the name gone in Java once the BEAM process ended");
        GlobalChecks.assertHealthy(List.of(a), List.of(java));
    }

    @Test
    void nodesLearntThroughGlobalAreConnected() {
        BeamNode a = cluster.erl("a").start();
        BeamNode b = cluster.erl("b").start();
        assertEquals(Atom.TRUE, a.rpc(Atom.of("net_kernel"), Atom.of("connect_node"), Atom.of(b.name())));
        Node java = cluster.javaNode("Aj", o -> o.visible(true));
        assertTrue(java.connect(a.name()));
        Within.within(BOUND, () -> java.visibleNodes().contains(b.name())
                && GlobalChecks.nodes(b, "visible").contains(java.name()), "the Java node and b connected through a");
        for (BeamNode n : List.of(a, b)) {
            assertEquals(Atom.OK, n.rpc(BOUND, GLOBAL, Atom.of("sync")));
        }
        Pid pid = (Pid) b.eval("Pid = spawn(fun() -> receive stop -> ok end end), yes = global:register_name(on_b, Pid), Pid");
        Within.within(BOUND, () -> pid.equals(Global.of(java).whereisName(Atom.of("on_b"))), "b's name in Java");
        GlobalChecks.assertHealthy(List.of(a, b), List.of(java));
    }
}
