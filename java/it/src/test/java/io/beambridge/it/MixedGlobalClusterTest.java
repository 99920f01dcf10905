package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.global.Global;
import io.beambridge.node.Down;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mixed clusters of three BEAM nodes ({@code a}, {@code b}, {@code c}) and two visible Java
 * nodes: {@code Aj}, whose name sorts before every other (it resolves the clashes of the
 * partitions it heals), and {@code zj}, after every other (the boss of every partition it
 * is in). After every step {@link GlobalChecks} checks that no BEAM node's global name
 * server restarted, that {@code :global.sync()} and a registration return on every BEAM
 * node, and that every node names the same pid for every global name.
 */
class MixedGlobalClusterTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    static final Atom GLOBAL = Atom.of("global");
    static final Duration BOUND = GlobalChecks.BOUND;

    BeamNode a;
    BeamNode b;
    BeamNode c;
    Node aj;
    Node zj;
    GlobalChecks checks;

    @AfterEach
    void printTimes() {
        if (checks != null) {
            checks.times.forEach((step, t) -> System.out.printf("global step %-40s slowest sync %5d ms, register %5d ms%n",
                    step, t[0], t[1]));
        }
    }

    /** Starts the BEAM node {@code name} (a, b, c or z); the mixed-release subclass picks releases. */
    BeamNode beam(String name) {
        return cluster.erl(name).start();
    }

    private void startNodes() {
        a = beam("a");
        b = beam("b");
        c = beam("c");
        aj = cluster.javaNode("Aj", o -> o.visible(true));
        zj = cluster.javaNode("zj", o -> o.visible(true));
    }

    /** a, b and c connected by a; Aj to a only and zj to c only: global connects the rest. */
    private void formCluster() {
        startNodes();
        connect(a, b);
        connect(a, c);
        assertTrue(aj.connect(a.name()));
        assertTrue(zj.connect(c.name()));
        awaitMesh(List.of(a, b, c), List.of(aj, zj));
        checks = GlobalChecks.watch(List.of(a, b, c), List.of(aj, zj));
        checks.assertHealthy("cluster formed");
    }

    private static void connect(BeamNode from, BeamNode to) {
        assertEquals(Atom.TRUE, from.rpc(Atom.of("net_kernel"), Atom.of("connect_node"), Atom.of(to.name())));
    }

    /** Every node connected to every other, visibly. */
    private static void awaitMesh(List<BeamNode> beams, List<Node> javas) {
        List<String> names = new ArrayList<>();
        beams.forEach(n -> names.add(n.name()));
        javas.forEach(n -> names.add(n.name()));
        Within.within(BOUND, () -> {
            for (BeamNode n : beams) {
                List<String> others = new ArrayList<>(names);
                others.remove(n.name());
                if (!GlobalChecks.nodes(n, "visible").containsAll(others)) {
                    return false;
                }
            }
            for (Node j : javas) {
                List<String> others = new ArrayList<>(names);
                others.remove(j.name());
                if (!j.visibleNodes().containsAll(others)) {
                    return false;
                }
            }
            return true;
        }, "every node connected to every other: " + names);
    }

    // ------------------------------------------------------------------ processes to name

    /** A BEAM process that reports every message it gets to {@code report}: {@code {got, Self, Msg}}. */
    static Pid beamProcess(BeamNode n, Pid report) {
        return (Pid) Erlang.eval(n, "spawn(fun() -> L = fun Loop() -> receive M -> Report ! {got, self(), M}, Loop() end end,"
                + " L() end)", "Report", report);
    }

    /** A Java process that reports every message it gets to {@code report}: {@code {got, Self, Msg}}. */
    static Pid javaProcess(Node n, Pid report) {
        return n.spawn(self -> {
            while (true) {
                Term m = self.receive();
                self.send(report, Term.tuple(Atom.of("got"), self.self(), m));
            }
        }).self();
    }

    static Term registerOnBeam(BeamNode n, Term name, Pid pid, String method) {
        return Erlang.eval(n, method == null ? "global:register_name(Name, Pid)"
                : "global:register_name(Name, Pid, fun global:" + method + "/3)", "Name", name, "Pid", pid);
    }

    // ------------------------------------------------------------------ names

    @Test
    void namesRegisteredOnEveryNodeAreSeenOnEveryNode() {
        formCluster();
        try (Proc me = aj.mailbox()) {
            Map<Term, Pid> expected = new HashMap<>();
            for (BeamNode n : List.of(a, b, c)) {
                Term name = Term.tuple(Atom.of("on"), Atom.of(n.name()));
                Pid p = beamProcess(n, me.self());
                assertEquals(Atom.of("yes"), registerOnBeam(n, name, p, null));
                expected.put(name, p);
            }
            for (Node j : List.of(aj, zj)) {
                Term name = Term.tuple(Atom.of("on"), Atom.of(j.name()));
                Pid p = javaProcess(j, me.self());
                assertTrue(Global.of(j).registerName(name, p));
                expected.put(name, p);
            }
            checks.assertHealthy("a name registered on each node");
            for (Map.Entry<Term, Pid> e : expected.entrySet()) {
                assertEquals(e.getValue(), Global.of(aj).whereisName(e.getKey()));
                assertEquals(e.getValue(), c.rpc(GLOBAL, Atom.of("whereis_name"), e.getKey()));
            }
            for (Node j : List.of(aj, zj)) {
                assertFalse(Global.of(j).registerName(Term.tuple(Atom.of("on"), Atom.of(a.name())), javaProcess(j,
                        me.self())), "a name held on a BEAM node is taken for Java too");
            }
            assertEquals(Atom.of("no"), registerOnBeam(b, Term.tuple(Atom.of("on"), Atom.of(zj.name())),
                    beamProcess(b, me.self()), null), "a name held on a Java node is taken for BEAM too");

            // re_register_name both ways, unregister_name both ways
            Pid newOnZj = javaProcess(zj, me.self());
            Global.of(zj).reRegisterName(Term.tuple(Atom.of("on"), Atom.of(b.name())), newOnZj);
            Pid newOnC = beamProcess(c, me.self());
            assertEquals(Atom.of("yes"), Erlang.eval(c, "global:re_register_name(Name, Pid)", "Name",
                    Term.tuple(Atom.of("on"), Atom.of(aj.name())), "Pid", newOnC));
            checks.assertHealthy("re_register_name from Java and from BEAM");
            assertEquals(newOnZj, b.rpc(GLOBAL, Atom.of("whereis_name"), Term.tuple(Atom.of("on"), Atom.of(b.name()))));
            assertEquals(newOnC, Global.of(zj).whereisName(Term.tuple(Atom.of("on"), Atom.of(aj.name()))));

            Global.of(aj).unregisterName(Term.tuple(Atom.of("on"), Atom.of(a.name())));
            Erlang.eval(a, "global:unregister_name(Name)", "Name", Term.tuple(Atom.of("on"), Atom.of(zj.name())));
            checks.assertHealthy("unregister_name from Java and from BEAM");
            for (String n : List.of(a.name(), zj.name())) {
                assertEquals(Atom.UNDEFINED, b.rpc(GLOBAL, Atom.of("whereis_name"), Term.tuple(Atom.of("on"), Atom.of(n))));
                assertNull(Global.of(zj).whereisName(Term.tuple(Atom.of("on"), Atom.of(n))));
            }
            assertEquals(Atom.OK, cluster.calls(aj.name()).rpc(GLOBAL, Atom.of("sync")), ":global.sync() served by Java");
        }
    }

    // ------------------------------------------------------------------ clashes

    /**
     * Partitions {a, Aj} and {b, c, zj} each register the same names to different
     * processes; then they meet. {@code Aj} heals them (it connects to b, and, its name
     * being the smaller, resolves the clashes: for a clash whose partition entry is on a,
     * by rpc to a's {@code global:resolve_it}), or {@code zj} does (it connects to a, and a
     * resolves, calling {@code resolve_it} on Aj for Aj's entries; zj obeys a's ops). One
     * process keeps each name, everywhere; the others are handled as the method says:
     * killed ({@code random_exit_name}, the pid on the smaller node wins), told
     * ({@code random_notify_name}), or both told and the name gone ({@code notify_all_name}).
     *
     * <p>OTP 27 and 29 can lose a name in the heal itself, on BEAM nodes as on Java ones:
     * when node X's {@code in_sync} from Y overtakes Y's {@code init_connect_ack} (two
     * senders on Y), X takes the ack as out of sync and {@code restart_connect/3} drops
     * the names of Y's processes, which the heal had just sent X; nothing sends them
     * again. (OTP 25's {@code restart_connect/3} drops nothing.) Seen here in about 1 heal
     * by Aj in 7 on OTP 27, as zj's lost {@code beam_vs_java} (a's), and in some as a's lost
     * {@code lonely} (zj's) too. So a heal whose names do not agree everywhere is tried again on fresh nodes,
     * at most {@value #HEAL_ATTEMPTS} times in all, each failed attempt printed; a name
     * lost every time fails the test.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Aj", "zj"})
    void clashesAfterAPartitionHealsHaveOneWinner(String healer) {
        for (int attempt = 1; ; attempt++) {
            try {
                healClashes(healer);
                return;
            } catch (HealDisagreement e) {
                if (attempt == HEAL_ATTEMPTS) {
                    throw e.failure;
                }
                System.out.printf("heal by %s, attempt %d: %s; again on fresh nodes%n", healer, attempt,
                        e.failure.getMessage());
                aj.close();
                zj.close();
                for (BeamNode n : List.of(a, b, c)) {
                    n.kill();
                }
            }
        }
    }

    static final int HEAL_ATTEMPTS = 3;

    /** The names did not agree on every node after a heal. */
    private static final class HealDisagreement extends Exception {
        final AssertionError failure;

        HealDisagreement(AssertionError failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    private void healClashes(String healer) throws HealDisagreement {
        startNodes();
        connect(b, c);
        assertTrue(aj.connect(a.name()));
        assertTrue(zj.connect(b.name()));
        awaitMesh(List.of(a), List.of(aj));
        awaitMesh(List.of(b, c), List.of(zj));
        assertFalse(GlobalChecks.nodes(a, "visible").contains(b.name()), "the partitions are apart");
        checks = GlobalChecks.watch(List.of(a, b, c), List.of(aj, zj));

        try (Proc me = aj.mailbox()) {
            record Clash(Term name, Pid p1, Pid p2, String method) {}
            List<Clash> clashes = new ArrayList<>();
            // partition 1's entry on the Java node Aj, partition 2's on c: resolve_it runs on Aj
            Pid j1 = javaProcess(aj, me.self());
            Pid c1 = beamProcess(c, me.self());
            Term n1 = Atom.of("java_vs_beam");
            assertTrue(Global.of(aj).registerName(n1, j1));
            assertEquals(Atom.of("yes"), registerOnBeam(c, n1, c1, null));
            clashes.add(new Clash(n1, j1, c1, "random_exit_name"));
            // partition 1's on the BEAM node a (global's default, a local fun), partition 2's on zj
            Pid a2 = beamProcess(a, me.self());
            Pid z2 = javaProcess(zj, me.self());
            Term n2 = Atom.of("beam_vs_java");
            assertEquals(Atom.of("yes"), registerOnBeam(a, n2, a2, null));
            assertTrue(Global.of(zj).registerName(n2, z2));
            clashes.add(new Clash(n2, a2, z2, "random_exit_name"));
            // random_notify_name, both entries' methods
            Pid j3 = javaProcess(aj, me.self());
            Pid b3 = beamProcess(b, me.self());
            Term n3 = Atom.of("notified");
            assertTrue(Global.of(aj).registerName(n3, j3, Global.Resolver.RANDOM_NOTIFY));
            assertEquals(Atom.of("yes"), registerOnBeam(b, n3, b3, "random_notify_name"));
            clashes.add(new Clash(n3, j3, b3, "random_notify_name"));
            // notify_all_name
            Pid a4 = beamProcess(a, me.self());
            Pid z4 = javaProcess(zj, me.self());
            Term n4 = Atom.of("all_notified");
            assertEquals(Atom.of("yes"), registerOnBeam(a, n4, a4, "notify_all_name"));
            assertTrue(Global.of(zj).registerName(n4, z4, Global.Resolver.NOTIFY_ALL));
            clashes.add(new Clash(n4, a4, z4, "notify_all_name"));
            // a Java pid registered from a BEAM node: global's default method, a local fun of module global
            Pid j5 = javaProcess(aj, me.self());
            Pid c5 = beamProcess(c, me.self());
            Term n5 = Atom.of("java_pid_beam_method");
            assertEquals(Atom.of("yes"), registerOnBeam(a, n5, j5, null));
            assertEquals(Atom.of("yes"), registerOnBeam(c, n5, c5, null));
            clashes.add(new Clash(n5, j5, c5, "random_exit_name"));
            // a custom Erlang fun on a Java pid's entry: Java has it run on the node of the other pid, c; it keeps
            // c's pid and kills nobody. (Made on c: an interpreted fun runs only where erl_eval is the same release.)
            Pid j6 = javaProcess(aj, me.self());
            Pid c6 = beamProcess(c, me.self());
            Term n6 = Atom.of("custom_erlang_method");
            Term keepGreater = Erlang.eval(c, "fun(_N, P1, P2) -> case node(P1) > node(P2) of true -> P1; false -> P2 end end");
            assertEquals(Atom.of("yes"), Erlang.eval(a, "global:register_name(Name, Pid, Fun)", "Name", n6, "Pid", j6,
                    "Fun", keepGreater));
            assertEquals(Atom.of("yes"), registerOnBeam(c, n6, c6, null));
            clashes.add(new Clash(n6, j6, c6, "greater_node_keeps"));
            // no clash: a name on one side only
            Pid lone = javaProcess(zj, me.self());
            assertTrue(Global.of(zj).registerName(Atom.of("lonely"), lone));

            Map<Pid, Ref> monitors = new HashMap<>();
            for (Clash k : clashes) {
                monitors.put(k.p1(), me.monitor(k.p1()));
                monitors.put(k.p2(), me.monitor(k.p2()));
            }

            if (healer.equals("Aj")) {
                assertTrue(aj.connect(b.name()));
            } else {
                assertTrue(zj.connect(a.name()));
            }
            awaitMesh(List.of(a, b, c), List.of(aj, zj));
            checks.assertServersAnswer("partitions healed by " + healer);
            try {
                checks.assertNamesAgree("partitions healed by " + healer);
            } catch (AssertionError e) {
                throw new HealDisagreement(e);
            }

            for (Clash k : clashes) {
                Pid min = new Atom(k.p1().node()).compareTo(new Atom(k.p2().node())) < 0 ? k.p1() : k.p2();
                Pid max = min.equals(k.p1()) ? k.p2() : k.p1();
                Term holder = a.rpc(GLOBAL, Atom.of("whereis_name"), k.name());
                switch (k.method()) {
                    case "random_exit_name" -> {
                        assertEquals(min, holder, k.name() + ": the pid on the smaller node keeps it");
                        Down d = me.receive(Down.class, x -> x.ref().equals(monitors.get(max)), BOUND);
                        assertNotNull(d, k.name() + ": the loser " + max + " is killed");
                        assertEquals(Atom.KILLED, d.reason());
                    }
                    case "random_notify_name" -> {
                        assertEquals(min, holder, k.name() + ": the pid on the smaller node keeps it");
                        assertNotNull(me.receive(m -> m.equals(Term.tuple(Atom.of("got"), max,
                                Term.tuple(Atom.of("global_name_conflict"), k.name()))), BOUND),
                                k.name() + ": the loser is told");
                    }
                    case "greater_node_keeps" -> {
                        assertEquals(max, holder, k.name() + ": the custom fun kept the pid on the greater node");
                        assertTrue(me.receive(Down.class, x -> x.ref().equals(monitors.get(min)), Duration.ofMillis(200))
                                == null, k.name() + ": nobody killed");
                    }
                    default -> {
                        assertEquals(Atom.UNDEFINED, holder, k.name() + ": nobody keeps it");
                        for (Pid[] pair : new Pid[][] {{k.p1(), k.p2()}, {k.p2(), k.p1()}}) {
                            assertNotNull(me.receive(m -> m.equals(Term.tuple(Atom.of("got"), pair[0],
                                    Term.tuple(Atom.of("global_name_conflict"), k.name(), pair[1]))), BOUND),
                                    k.name() + ": " + pair[0] + " is told");
                        }
                    }
                }
            }
            assertEquals(lone, c.rpc(GLOBAL, Atom.of("whereis_name"), Atom.of("lonely")));
            assertEquals(lone, Global.of(aj).whereisName(Atom.of("lonely")));
            checks.assertHealthy("clashes resolved");
        }
    }

    // ------------------------------------------------------------------ nodes going

    /**
     * A BEAM node killed (SIGKILL) and a Java node stopped, each holding names: their names
     * go everywhere, the rest of the cluster stays connected (prevent_overlapping_partitions
     * disconnects no one for a node that is gone) and healthy.
     */
    @Test
    void aKilledNodesNamesGoEverywhere() {
        formCluster();
        try (Proc me = aj.mailbox()) {
            Pid onC = beamProcess(c, me.self());
            assertEquals(Atom.of("yes"), registerOnBeam(c, Atom.of("held_by_c"), onC, null));
            Pid onZj = javaProcess(zj, me.self());
            assertTrue(Global.of(zj).registerName(Atom.of("held_by_zj"), onZj));
            Pid onB = beamProcess(b, me.self());
            assertEquals(Atom.of("yes"), registerOnBeam(b, Atom.of("held_by_b"), onB, null));
            checks.assertHealthy("names on c, zj and b");

            c.kill();
            checks.remove(c);
            Within.within(BOUND, () -> Atom.UNDEFINED.equals(a.rpc(GLOBAL, Atom.of("whereis_name"),
                    Atom.of("held_by_c"))) && Global.of(zj).whereisName(Atom.of("held_by_c")) == null,
                    "c's name gone on a and zj");
            awaitMesh(List.of(a, b), List.of(aj, zj));
            checks.assertHealthy("c killed");

            zj.close();
            checks.remove(zj);
            Within.within(BOUND, () -> Atom.UNDEFINED.equals(b.rpc(GLOBAL, Atom.of("whereis_name"),
                    Atom.of("held_by_zj"))) && Global.of(aj).whereisName(Atom.of("held_by_zj")) == null,
                    "zj's name gone on b and Aj");
            awaitMesh(List.of(a, b), List.of(aj));
            checks.assertHealthy("zj stopped");
            assertEquals(onB, Global.of(aj).whereisName(Atom.of("held_by_b")));
        }
    }

    /**
     * prevent_overlapping_partitions (on, OTP's default): when two nodes of a fully
     * connected partition of three lose each other, the third learns it
     * ({@code lost_connection}) and asks one end or both to disconnect
     * ({@code remove_connection}), so that no two partitions overlap: the nodes end up in
     * fully connected groups again (all three apart, as measured on three BEAM nodes, or
     * one node apart, when one end hears of the loss through the third before its own
     * nodedown). The Java node sends {@code lost_connection} and obeys
     * {@code remove_connection} as a BEAM node does; "beam drops beam" is the same with a
     * BEAM node {@code z} in its place. Then they reconnect and sync again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java drops beam", "beam drops java", "beam drops beam"})
    void aLostConnectionLeavesNoOverlappingPartitions(String who) {
        a = beam("a");
        b = beam("b");
        BeamNode z = who.equals("beam drops beam") ? beam("z") : null;
        zj = z == null ? cluster.javaNode("zj", o -> o.visible(true)) : null;
        String third = z != null ? z.name() : zj.name();
        List<BeamNode> beams = z == null ? List.of(a, b) : List.of(a, b, z);
        List<Node> javas = zj == null ? List.of() : List.of(zj);
        connect(a, b);
        if (z != null) {
            connect(z, a);
        } else {
            assertTrue(zj.connect(a.name()));
        }
        awaitMesh(beams, javas);
        checks = GlobalChecks.watch(beams, javas);
        checks.assertHealthy(who + ": a, b and " + third + " connected");

        if (who.startsWith("java")) {
            assertTrue(zj.disconnect(a.name()));
        } else {
            assertEquals(Atom.TRUE, a.rpc(Atom.of("erlang"), Atom.of("disconnect_node"), Atom.of(third)));
        }
        Within.within(BOUND, () -> {
            Map<String, java.util.Set<String>> groups = new HashMap<>();
            for (BeamNode n : beams) {
                groups.put(n.name(), group(n.name(), GlobalChecks.nodes(n, "visible")));
            }
            if (zj != null) {
                groups.put(zj.name(), group(zj.name(), zj.visibleNodes()));
            }
            for (var e : groups.entrySet()) {
                for (String other : e.getValue()) {
                    if (!e.getValue().equals(groups.get(other))) {
                        return false;
                    }
                }
            }
            return !groups.get(a.name()).contains(third);
        }, who + ": no overlapping partitions");
        checks.assertHealthy(who + ": apart");

        if (zj != null) {
            assertTrue(zj.connect(a.name()));
            assertTrue(zj.connect(b.name()));
        } else {
            connect(z, a);
            connect(z, b);
        }
        connect(b, a);
        awaitMesh(beams, javas);
        checks.assertHealthy(who + ": together again");
    }

    /** The node and the ones of the three it is connected to. */
    private java.util.Set<String> group(String self, List<String> visible) {
        java.util.Set<String> g = new java.util.TreeSet<>(visible);
        g.add(self);
        return g;
    }

    // ------------------------------------------------------------------ locks

    /**
     * {@code :global.trans/2} from all five nodes on one resource: a counter on b that
     * counts a read-then-write from a second holder as a violation. Every increment lands,
     * and no two holders ever overlap.
     */
    @Test
    void transExcludesAcrossAllFiveNodes() {
        formCluster();
        int perWorker = 8;
        Erlang.eval(b, """
                spawn(fun() -> register(counter, self()),
                  L = fun Loop(V, Busy, Bad) -> receive
                        {get, From} -> From ! {value, V}, Loop(V, true, case Busy of true -> Bad + 1; false -> Bad end);
                        {put, New} -> Loop(New, false, Bad);
                        {read, From} -> From ! {counter, V, Bad}, Loop(V, Busy, Bad)
                      end end,
                  L(0, false, 0) end)""");
        Atom counter = Atom.of("counter");
        try (Proc me = aj.mailbox()) {
            for (BeamNode n : List.of(a, b, c)) {
                Erlang.eval(n, """
                        spawn(fun() ->
                          L = fun Loop(0) -> Report ! {done, node()};
                                  Loop(N) -> global:trans({counter, self()}, fun() ->
                                      {counter, B} ! {get, self()},
                                      receive {value, V} -> timer:sleep(2), {counter, B} ! {put, V + 1} end
                                    end),
                                    Loop(N - 1)
                              end,
                          L(K) end)""", "Report", me.self(), "B", Atom.of(b.name()), "K", perWorker);
            }
            for (Node j : List.of(aj, zj)) {
                j.spawn(self -> {
                    for (int i = 0; i < perWorker; i++) {
                        Global.of(j).trans(Term.tuple(counter, self.self()), () -> {
                            self.send(counter, b.name(), Term.tuple(Atom.of("get"), self.self()));
                            Term v = self.receive(m -> m instanceof Term.Tuple t && t.isTagged("value", 2), BOUND);
                            LockSupport.parkNanos(2_000_000);
                            self.send(counter, b.name(), Term.tuple(Atom.of("put"),
                                    ((Term.Tuple) v).get(1).as(long.class) + 1));
                            return null;
                        });
                    }
                    self.send(me.self(), Term.tuple(Atom.of("done"), Atom.of(j.name())));
                });
            }
            List<Term> done = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Term d = me.receive(m -> m instanceof Term.Tuple t && t.isTagged("done", 2), Duration.ofSeconds(120));
                assertNotNull(d, "every worker finishes; finished: " + done);
                done.add(d);
            }
            me.send(counter, b.name(), Term.tuple(Atom.of("read"), me.self()));
            Term r = me.receive(m -> m instanceof Term.Tuple t && t.isTagged("counter", 3), BOUND);
            assertEquals(Term.tuple(Atom.of("counter"), 5 * perWorker, 0), r,
                    "every increment landed, no two holders overlapped");
            checks.assertHealthy("trans from all five nodes");
        }
    }
}
