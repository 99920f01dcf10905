package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.global.Global;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * global's locks between a Java process and a BEAM process, from a hidden Java node
 * (asked of the visible BEAM node's name server and its peers') and from a visible one
 * (its own name server too): while a BEAM process holds {@code {resource, beam}}, a Java
 * requester cannot take {@code {resource, java}}, and the other way round; the same
 * requester id shares the lock, as on BEAM.
 */
class GlobalLocksTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    static final Atom GLOBAL = Atom.of("global");

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void javaAndBeamRequestersExcludeEachOther(boolean visible) {
        BeamNode a = cluster.erl("a").start();
        Node java = cluster.javaNode(visible ? "visible" : "hidden", o -> o.visible(visible));
        assertTrue(java.connect(a.name()));
        Global global = Global.of(java);
        assertEquals(visible, global.ownServer());
        if (visible) {
            global.sync();
        }
        List<String> nodes = visible ? List.of(java.name(), a.name()) : List.of(a.name());
        Term beamLock = Term.tuple(Atom.of("resource"), Atom.of("beam"));
        Term javaLock = Term.tuple(Atom.of("resource"), Atom.of("java"));

        // a BEAM process holds the resource until told to let go
        Term holder = a.eval("Self = self(), H = spawn(fun() -> true = global:set_lock({resource, beam}),"
                + " Self ! locked, receive release -> global:del_lock({resource, beam}) end,"
                + " receive stop -> ok end end), receive locked -> H end");
        assertEquals(Optional.empty(), global.trans(javaLock, () -> "ran", nodes, 0), "held by the BEAM process");
        assertEquals(Optional.of("ran"), global.trans(beamLock, () -> "ran", nodes, 0),
                "the same requester id shares the lock");
        a.rpc(Atom.of("erlang"), Atom.of("send"), holder, Atom.of("release"));
        Within.within(GlobalChecks.BOUND, () -> global.trans(javaLock, () -> "ran", nodes, 0).isPresent(),
                "free once the BEAM process let go");

        // a Java process holds it: the BEAM side cannot take it
        try (Proc me = java.mailbox()) {
            java.spawn(self -> {
                self.send(me.self(), global.setLock(javaLock, nodes, 0) ? Atom.TRUE : Atom.FALSE);
                self.receive();
            });
            assertEquals(Atom.TRUE, me.receive(GlobalChecks.BOUND), "the Java process took the lock");
        }
        assertEquals(Atom.FALSE, a.eval("global:set_lock({resource, beam}, [node() | nodes()], 0)"),
                "held by the Java process");
        assertFalse(global.trans(beamLock, () -> "ran", nodes, 0).isPresent(), "nor can another Java requester");
    }

    @Test
    void setLockNeedsTheHoldingProcess() {
        BeamNode a = cluster.erl("a").start();
        Node java = cluster.javaNode("visible", o -> o.visible(true));
        assertTrue(java.connect(a.name()));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Global.of(java).setLock(Term.tuple(Atom.of("r"), Atom.of("x"))));
        assertTrue(e.getMessage().contains("call it from a process"), e.getMessage());
    }
}
