package io.beambridge.it;

import static io.beambridge.it.PgSides.expectGone;
import static io.beambridge.it.PgSides.expectJoin;
import static io.beambridge.it.PgSides.expectLeave;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.it.PgSides.Beam;
import io.beambridge.it.PgSides.Java;
import io.beambridge.it.PgSides.Side;
import io.beambridge.pg.Pg;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three BEAM nodes (two erl, one Elixir; the kernel's {@code pg} and a scope of their own
 * started with {@code pg:start/1}) and two Java nodes in the same two scopes: joins,
 * leaves, members killed, a BEAM scope and a Java scope restarted, reconnects from either
 * side, a BEAM node killed and a Java node closed. After every step every node's view of
 * every group is the same (the nodes cut from each other excepted), and at the end no
 * BEAM scope restarted that the test did not restart itself, and no BEAM node logged a
 * scope crash. Each step prints how long it took the five views to agree. The BEAM nodes
 * run the suite's OTP (25 on the host; 27 or 29 under {@code make test-compat}'s prefix).
 */
class PgInteropTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final Duration AGREE = Duration.ofSeconds(10);
    static final Atom PG = Pg.DEFAULT_SCOPE;
    static final Atom CHAT = Atom.of("bb_chat_scope");

    final Map<Atom, Map<Term, List<Pid>>> expected = new LinkedHashMap<>();
    final Set<Set<String>> cuts = new HashSet<>();
    final Map<String, Map<Atom, Pid>> beamScopes = new HashMap<>();
    List<Side> sides;

    @Test
    void fiveNodesAgreeAfterEveryStepAndNoBeamScopeEverRestarts() {
        Beam erl1 = beam(cluster.erl("pg_erl1").erlFlags("-kernel", "start_pg", "true").start());
        Beam erl2 = beam(cluster.erl("pg_erl2").erlFlags("-kernel", "start_pg", "true").start());
        Beam ex = beam(cluster.elixir("pg_ex").erlFlags("-kernel", "start_pg", "true").start());
        for (Beam b : List.of(erl1, erl2, ex)) {
            assertEquals(Atom.OK, b.node.eval("{ok, _} = pg:start(" + CHAT.name() + "), ok"));
        }
        assertEquals(Atom.of("pong"), erl1.node.rpc(Atom.of("net_adm"), Atom.of("ping"), Atom.of(erl2.name())));
        assertEquals(Atom.of("pong"), erl1.node.rpc(Atom.of("net_adm"), Atom.of("ping"), Atom.of(ex.name())));
        assertEquals(Atom.of("pong"), erl2.node.rpc(Atom.of("net_adm"), Atom.of("ping"), Atom.of(ex.name())));
        for (Beam b : List.of(erl1, erl2, ex)) {
            Map<Atom, Pid> scopes = new HashMap<>();
            scopes.put(PG, b.whereis(PG));
            scopes.put(CHAT, b.whereis(CHAT));
            assertNotNull(scopes.get(PG), "the kernel's pg runs on " + b);
            beamScopes.put(b.name(), scopes);
        }
        Java j1 = new Java(cluster.javaNode("pg_j1"), PG, CHAT);
        Java j2 = new Java(cluster.javaNode("pg_j2"), PG, CHAT);
        for (Java j : List.of(j1, j2)) {
            for (Beam b : List.of(erl1, erl2, ex)) {
                assertTrue(j.node.connect(b.name()));
            }
        }
        assertTrue(j1.node.connect(j2.node.name()));
        sides = List.of(erl1, erl2, ex, j1, j2);
        System.out.println("pg: BEAM nodes run OTP " + ((Term.List) erl1.node.rpc(Atom.of("erlang"),
                Atom.of("system_info"), Atom.of("otp_release"))).charlistText());
        expected.put(PG, new HashMap<>());
        expected.put(CHAT, new HashMap<>());

        // 1. joins: every node, both scopes, three kinds of group, a pid joined twice
        Term g1 = Term.string("g1");
        Term g2 = Atom.of("g2");
        Term room = Term.tuple(Atom.of("room"), 1);
        Map<String, List<Pid>> members = new HashMap<>();
        for (Side s : sides) {
            List<Pid> ms = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ms.add(s.spawnMember());
            }
            members.put(s.name(), ms);
            join(s, PG, g1, ms.get(0));
            join(s, PG, g2, ms.get(1));
            join(s, CHAT, room, ms.get(0));
        }
        join(erl1, PG, g1, members.get(erl1.name()).get(0));
        join(j1, PG, g1, members.get(j1.name()).get(0));
        agree("joins");

        // 2. leaves, from both kinds of node; a leave of a group never joined changes nothing
        leave(erl2, PG, g1, members.get(erl2.name()).get(0));
        leave(j2, PG, g2, members.get(j2.name()).get(1));
        leave(j1, PG, g1, members.get(j1.name()).get(0)); // one of its two joins
        assertFalse(j1.leave(PG, Term.string("never"), members.get(j1.name()).get(2)));
        assertFalse(erl1.leave(PG, Term.string("never"), members.get(erl1.name()).get(2)));
        agree("leaves");

        // 3. members killed: they leave every group of both scopes
        kill(erl1, members.get(erl1.name()).get(0));
        kill(j2, members.get(j2.name()).get(0));
        agree("kills");

        // 4. a BEAM scope restarts (killed here; the kernel restarts it empty): the Java scopes find the new one
        Pid oldScope = erl2.whereis(PG);
        kill(erl2, oldScope);
        Pid newScope = awaitRestart(erl2, PG, oldScope);
        beamScopes.get(erl2.name()).put(PG, newScope);
        expectGone(expected.get(PG), p -> p.node().equals(erl2.name()));
        Pid late = erl2.spawnMember();
        join(erl2, PG, g1, late);
        agree("BEAM scope restarted");

        // 5. a Java scope restarts: the BEAM scopes drop its members, then take the new scope's
        j2.pg(PG).stop();
        expectGone(expected.get(PG), p -> p.node().equals(j2.name()));
        assertTrue(j2.pg(PG).whichGroups().isEmpty(), "a stopped scope has no tables");
        sides = List.of(erl1, erl2, ex, j1);
        agree("Java scope stopped");
        j2.scopes.put(PG, Pg.start(j2.node));
        sides = List.of(erl1, erl2, ex, j1, j2);
        join(j2, PG, g2, members.get(j2.name()).get(2));
        agree("Java scope started again");

        // 6. a disconnect from the Java side, and the reconnect
        assertTrue(j1.node.disconnect(erl1.name()));
        cuts.add(Set.of(j1.name(), erl1.name()));
        agree("j1 cut from erl1");
        join(j1, PG, g2, members.get(j1.name()).get(2)); // while cut: erl1 must get it with the resync
        agree("j1 joined while cut from erl1");
        assertTrue(j1.node.connect(erl1.name()));
        cuts.clear();
        agree("j1 reconnected to erl1");

        // 7. a disconnect from the BEAM side, and the reconnect from there
        assertEquals(Atom.TRUE, ex.node.rpc(Atom.of("erlang"), Atom.of("disconnect_node"), Atom.of(j2.name())));
        cuts.add(Set.of(j2.name(), ex.name()));
        agree("ex cut from j2");
        assertEquals(Atom.TRUE, ex.node.rpc(Atom.of("net_kernel"), Atom.of("connect_node"), Atom.of(j2.name())));
        cuts.clear();
        agree("ex reconnected to j2");

        // 8. a BEAM node killed
        ex.node.kill();
        sides = List.of(erl1, erl2, j1, j2);
        expected.values().forEach(m -> expectGone(m, p -> p.node().equals(ex.name())));
        agree("ex killed");

        // 9. a Java node closed
        j2.node.close();
        sides = List.of(erl1, erl2, j1);
        expected.values().forEach(m -> expectGone(m, p -> p.node().equals(j2.name())));
        agree("j2 closed");

        // no BEAM scope restarted but the one this test killed; no scope crash logged
        for (Beam b : List.of(erl1, erl2)) {
            assertTrue(b.node.isAlive(), b + " is up");
            for (Atom scope : List.of(PG, CHAT)) {
                assertEquals(beamScopes.get(b.name()).get(scope), b.whereis(scope), scope + " on " + b + " never restarted");
            }
        }
        for (Beam b : List.of(erl1, erl2, ex)) {
            assertNull(PgSides.scopeCrash(b.node.output()), b + " logged a scope crash:\n" + b.node.output());
        }
    }

    @Test
    void aBeamScopeStartedAfterTheConnectionIsFound() {
        Beam erl = beam(cluster.erl("pg_late").start());
        Java j = new Java(cluster.javaNode("pg_jlate"), PG);
        assertTrue(j.node.connect(erl.name()));
        Pid p = j.spawnMember();
        j.join(PG, Term.string("early"), p);
        long t0 = System.nanoTime();
        assertEquals(Atom.OK, erl.node.eval("{ok, _} = pg:start(pg), ok")); // no kernel pg: started now
        Term seen = erl.node.eval("Until = erlang:monotonic_time(millisecond) + 5000, "
                + "W = fun W() -> case pg:get_members(<<\"early\">>) of [] -> "
                + "  case erlang:monotonic_time(millisecond) > Until of true -> []; false -> timer:sleep(5), W() end; "
                + "  M -> M end end, W()");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Term.list(p), seen);
        System.out.println("pg: a BEAM scope started after the connection saw the Java member after " + ms + " ms");
        Pid q = erl.spawnMember();
        erl.join(PG, Term.string("early"), q);
        sides = List.of(erl, j);
        expected.put(PG, new HashMap<>());
        expectJoin(expected.get(PG), Term.string("early"), p);
        expectJoin(expected.get(PG), Term.string("early"), q);
        agree("late scope");
        assertNull(PgSides.scopeCrash(erl.node.output()), erl.node.output());
    }

    // ------------------------------------------------------------------ helpers

    static Beam beam(BeamNode node) {
        return new Beam(node);
    }

    void join(Side s, Atom scope, Term group, Pid pid) {
        s.join(scope, group, pid);
        expectJoin(expected.get(scope), group, pid);
    }

    void leave(Side s, Atom scope, Term group, Pid pid) {
        assertTrue(s.leave(scope, group, pid), "left");
        expectLeave(expected.get(scope), group, pid);
    }

    void kill(Side s, Pid pid) {
        s.kill(pid);
        expected.values().forEach(m -> expectGone(m, p -> p.equals(pid)));
    }

    /** Every side's view of every scope is the expected one (cut pairs excepted); prints the time it took. */
    void agree(String step) {
        BiPredicate<Side, Pid> cut = (s, p) -> !s.name().equals(p.node()) && cuts.contains(Set.of(s.name(), p.node()));
        StringBuilder took = new StringBuilder();
        for (Map.Entry<Atom, Map<Term, List<Pid>>> e : expected.entrySet()) {
            long ms = PgSides.awaitViews(sides, e.getKey(), e.getValue(), cut, AGREE);
            took.append(' ').append(e.getKey().name()).append('=').append(ms).append(" ms");
        }
        System.out.println("pg: after '" + step + "' every view agreed within" + took);
    }

    static Pid awaitRestart(Beam b, Atom scope, Pid old) {
        long until = System.nanoTime() + AGREE.toNanos();
        while (System.nanoTime() < until) {
            Pid now = b.whereis(scope);
            if (now != null && !now.equals(old)) {
                return now;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(scope + " on " + b + " did not restart");
    }
}
