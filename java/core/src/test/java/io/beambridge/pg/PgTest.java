package io.beambridge.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Java nodes in one pg scope, without BEAM: the scope protocol between two Java
 * scopes (discover, sync, join, leave), members that end, a node that goes, a
 * disconnect and reconnect, a scope that restarts, monitors, the {@code pg} module by
 * rpc, and input a scope must survive. (The same against OTP 25, 27 and 29 is
 * {@code java/it}'s PgInteropTest.)
 */
class PgTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    TestNodes nodes;
    Node a;
    Node b;
    Pg pa;
    Pg pb;
    final List<Proc> procs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        nodes = TestNodes.start();
        a = nodes.node("pga");
        b = nodes.node("pgb");
        pa = Pg.start(a);
        pb = Pg.start(b);
        assertTrue(a.connect(b.name()));
        await(() -> pa.peerNodes().contains(b.name()) && pb.peerNodes().contains(a.name()), "the scopes met");
    }

    @AfterEach
    void stop() {
        nodes.close();
    }

    /** A process of {@code node} that waits until it is told {@code :stop} (or killed). */
    Pid member(Node node) {
        Proc p = node.spawn(self -> self.receive(t -> t.equals(Atom.of("stop")), io.beambridge.node.Timeout.INFINITY));
        procs.add(p);
        return p.self();
    }

    static void await(BooleanSupplier condition, String what) {
        long until = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    static Set<Pid> set(List<Pid> l) {
        return new HashSet<>(l);
    }

    @Test
    void joinsAndLeavesReachTheOtherNode() {
        Pid p1 = member(a);
        Pid p2 = member(a);
        Pid q1 = member(b);
        pa.join("chat", p1);
        pb.join("chat", q1);
        await(() -> pb.getMembers("chat").size() == 2 && pa.getMembers("chat").size() == 2, "both see both");
        assertEquals(Set.of(p1, q1), set(pa.getMembers("chat")));
        assertEquals(Set.of(p1, q1), set(pb.getMembers("chat")));
        assertEquals(List.of(p1), pa.getLocalMembers("chat"));
        assertEquals(List.of(q1), pb.getLocalMembers("chat"));

        pa.join("chat", p1, p2); // a second time for p1: it counts twice
        await(() -> pb.getMembers("chat").size() == 4, "the multi-join arrived");
        assertEquals(List.of(p1, p2, p1), pa.getLocalMembers("chat"));
        assertTrue(pa.leave("chat", p1));
        await(() -> pb.getMembers("chat").size() == 3, "one of p1's two joins left");
        assertEquals(2, pb.getMembers("chat").stream().filter(p -> !p.equals(p1)).count());
        assertTrue(pa.leave("chat", p1, p2));
        assertFalse(pa.leave("chat", p1), ":not_joined");
        await(() -> pb.getMembers("chat").equals(List.of(q1)), "a's members left");
        assertEquals(List.of(q1), pa.getMembers("chat"));
        assertEquals(List.of(Term.string("chat")), pa.whichGroups());
        assertEquals(List.of(), pa.whichLocalGroups());
        assertEquals(List.of(Term.string("chat")), pb.whichLocalGroups());
    }

    @Test
    void groupsAreTermsAndAStringIsNotAnAtom() {
        Pid p = member(a);
        pa.join("g", p);
        pa.join(Atom.of("g"), p);
        pa.join(Term.charlist("g"), p);
        pa.join(Term.tuple(Atom.of("room"), 7), p);
        await(() -> pb.whichGroups().size() == 4, "four groups");
        assertEquals(Set.of(Term.string("g"), Atom.of("g"), Term.charlist("g"), Term.tuple(Atom.of("room"), 7)),
                new HashSet<>(pb.whichGroups()));
        assertEquals(List.of(p), pb.getMembers(Term.tuple(Atom.of("room"), 7)));
    }

    @Test
    void aMemberThatEndsLeavesEveryGroupOnBothNodes() {
        Pid p = member(a);
        pa.join("g1", p);
        pa.join("g2", p);
        pa.join("g2", p);
        await(() -> pb.getMembers("g1").size() == 1 && pb.getMembers("g2").size() == 2, "joined");
        procs.stream().filter(x -> x.self().equals(p)).findFirst().orElseThrow().send(p, Atom.of("stop"));
        await(() -> pb.whichGroups().isEmpty() && pa.whichGroups().isEmpty(), "gone everywhere");
    }

    @Test
    void aDeadPidLeavesAtOnce() {
        Proc gone = a.spawn(self -> { });
        await(() -> !gone.isAlive(), "ended");
        pa.join("g", gone.self());
        await(() -> pa.getMembers("g").isEmpty(), "the monitor answered noproc");
    }

    @Test
    void onlyLocalProcessesJoin() {
        Pid remote = member(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pa.join("g", remote));
        assertTrue(e.getMessage().contains(":nolocal"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pa.join("g"));
    }

    @Test
    void aNodeThatGoesTakesItsMembersWithIt() throws Exception {
        Node c = nodes.node("pgc");
        Pg pc = Pg.start(c);
        assertTrue(c.connect(a.name()));
        Pid r = member(c);
        pc.join("g", r);
        await(() -> pa.getMembers("g").equals(List.of(r)), "a sees c's member");
        assertTrue(pb.getMembers("g").isEmpty(), "b is not connected to c: pg is not transitive");
        c.close();
        await(() -> pa.getMembers("g").isEmpty(), "a dropped c's member");
    }

    @Test
    void aReconnectResyncsBothWays() {
        Pid p = member(a);
        Pid q = member(b);
        pa.join("g", p);
        pb.join("g", q);
        await(() -> pa.getMembers("g").size() == 2 && pb.getMembers("g").size() == 2, "synced");
        assertTrue(a.disconnect(b.name()));
        await(() -> pa.getMembers("g").equals(List.of(p)) && pb.getMembers("g").equals(List.of(q)), "dropped");
        Pid p2 = member(a);
        pa.join("while-apart", p2);
        assertTrue(pb.leave("g", q));
        assertTrue(b.ping(a.name()));
        await(() -> set(pb.getMembers("g")).equals(Set.of(p)) && pb.getMembers("while-apart").equals(List.of(p2))
                && pa.getMembers("g").equals(List.of(p)), "resynced after the reconnect");
    }

    @Test
    void aScopeThatRestartsIsFoundAgain() {
        Pid q = member(b);
        pb.join("g", q);
        await(() -> pa.getMembers("g").equals(List.of(q)), "joined");
        Pid oldScope = pb.pid();
        pb.stop();
        assertFalse(pb.isRunning());
        assertNull(Pg.find(b, Pg.DEFAULT_SCOPE));
        await(() -> pa.getMembers("g").isEmpty(), "a dropped the stopped scope's members");
        Pg again = Pg.start(b);
        assertTrue(!again.pid().equals(oldScope));
        assertTrue(again.getMembers("g").isEmpty(), "a new scope starts empty, as pg does");
        Pid p = member(a);
        pa.join("g", p);
        again.join("g", q);
        await(() -> set(again.getMembers("g")).equals(Set.of(p, q)) && set(pa.getMembers("g")).equals(Set.of(p, q)),
                "the new scope took part");
    }

    @Test
    void startReturnsTheRunningScopeAndScopesAreIndependent() {
        assertSame(pa.pid(), Pg.start(a).pid());
        assertEquals(pa.pid(), a.whereis(Pg.DEFAULT_SCOPE));
        Pg other = Pg.start(a, Atom.of("other_scope"));
        Pg otherB = Pg.start(b, Atom.of("other_scope"));
        Pid p = member(a);
        other.join("g", p);
        await(() -> otherB.getMembers("g").equals(List.of(p)), "the named scope spread it");
        assertTrue(pb.getMembers("g").isEmpty(), "the default scope knows nothing of it");
        try (Proc squatter = a.mailbox()) {
            squatter.register(Atom.of("taken_name"));
            assertThrows(IllegalStateException.class, () -> Pg.start(a, Atom.of("taken_name")));
        }
    }

    @Test
    void monitorsDeliverJoinsAndLeavesOfEveryNode() {
        try (Proc watcher = a.mailbox()) {
            Pid q = member(b);
            pb.join("g", q);
            await(() -> pa.getMembers("g").equals(List.of(q)), "joined");
            Pg.ScopeMonitor scope = pa.monitorScope(watcher);
            assertEquals(List.of(q), scope.groups().get(Term.string("g")));
            Pg.GroupMonitor group = pa.monitor(watcher, "h");
            assertEquals(List.of(), group.members());

            Pid p = member(a);
            pa.join("h", p);
            Pg.Update u = expect(watcher, scope.ref());
            assertEquals(new Pg.Update(scope.ref(), Pg.Action.JOIN, Term.string("h"), List.of(p)), u);
            assertEquals(new Pg.Update(group.ref(), Pg.Action.JOIN, Term.string("h"), List.of(p)),
                    expect(watcher, group.ref()));

            pb.leave("g", q);
            assertEquals(new Pg.Update(scope.ref(), Pg.Action.LEAVE, Term.string("g"), List.of(q)),
                    expect(watcher, scope.ref()));

            Pid q2 = member(b);
            pb.join("h", q2);
            assertEquals(new Pg.Update(scope.ref(), Pg.Action.JOIN, Term.string("h"), List.of(q2)),
                    expect(watcher, scope.ref()));
            Term raw = watcher.receive(t -> t instanceof Term.Tuple x && x.get(0).equals(group.ref()), WAIT);
            assertEquals(Term.tuple(group.ref(), Atom.of("join"), "h", Term.list(q2)), raw, "the raw term is pg's");

            assertTrue(pa.demonitor(watcher, scope.ref()));
            assertFalse(pa.demonitor(watcher, scope.ref()));
            pa.leave("h", p);
            assertEquals(Pg.Action.LEAVE, expect(watcher, group.ref()).action());
            assertNull(watcher.receive(t -> t instanceof Term.Tuple x && x.get(0).equals(scope.ref()),
                    Duration.ofMillis(200)), "no update after demonitor");
        }
    }

    static Pg.Update expect(Proc p, Ref ref) {
        Pg.Update u = p.receive(Pg.Update.class, x -> x.ref().equals(ref), WAIT);
        assertNotNull(u, "no update for " + ref);
        return u;
    }

    @Test
    void thePgModuleAnswersByRpcFromTheJavaScope() throws Exception {
        Pid p = member(a);
        pa.join(Atom.of("room"), p);
        Atom pg = Atom.of("pg");
        assertEquals(Term.list(p), Rpc.call(b, a.name(), pg, Atom.of("get_members"), Atom.of("room")));
        assertEquals(Term.list(p), Rpc.call(b, a.name(), pg, Atom.of("get_members"), pg, Atom.of("room")));
        assertEquals(Term.list(p), Rpc.call(b, a.name(), pg, Atom.of("get_local_members"), Atom.of("room")));
        assertEquals(Term.list(), Rpc.call(b, a.name(), pg, Atom.of("get_members"), Atom.of("no_scope"), Atom.of("room")));
        assertEquals(Term.list(Atom.of("room")), Rpc.call(b, a.name(), pg, Atom.of("which_groups")));
        BadRpcException badarg = assertThrows(BadRpcException.class,
                () -> Rpc.call(b, a.name(), pg, Atom.of("which_groups"), Atom.of("no_scope")));
        assertTrue(badarg.reason().toString().contains("badarg"), badarg.reason().toString());
        Pid remote = member(b);
        BadRpcException nolocal = assertThrows(BadRpcException.class,
                () -> Rpc.call(b, a.name(), pg, Atom.of("join"), Atom.of("room"), remote));
        assertTrue(nolocal.reason().toString().contains("nolocal"), nolocal.reason().toString());
        Pid p2 = member(a);
        assertEquals(Atom.OK, Rpc.call(b, a.name(), pg, Atom.of("join"), Atom.of("room"), Term.list(p2)));
        await(() -> pb.getMembers(Atom.of("room")).size() == 2, "the join by rpc spread");
        assertEquals(Atom.OK, Rpc.call(b, a.name(), pg, Atom.of("leave"), Atom.of("room"), p2));
        assertEquals(Atom.of("not_joined"), Rpc.call(b, a.name(), pg, Atom.of("leave"), Atom.of("room"), p2));
        Term started = Rpc.call(b, a.name(), pg, Atom.of("start"), Atom.of("rpc_scope"));
        assertTrue(started instanceof Term.Tuple t && t.isTagged(Atom.OK, 2), started.toString());
        assertNotNull(Pg.find(a, Atom.of("rpc_scope")));
        Term again = Rpc.call(b, a.name(), pg, Atom.of("start"), Atom.of("rpc_scope"));
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("already_started"), ((Term.Tuple) started).get(1))), again);
        BadRpcException noproc = assertThrows(BadRpcException.class,
                () -> Rpc.call(b, a.name(), pg, Atom.of("join"), Atom.of("no_scope"), Atom.of("g"), p2));
        assertTrue(noproc.reason().toString().contains("noproc"), noproc.reason().toString());
    }

    @Test
    void theScopeSurvivesMessagesPgWouldCrashOn() {
        Pid scope = pa.pid();
        Pid q = member(b);
        pb.join("g", q);
        await(() -> pa.getMembers("g").equals(List.of(q)), "joined");
        try (Proc stranger = b.mailbox()) {
            Atom name = Pg.DEFAULT_SCOPE;
            stranger.send(name, a.name(), Term.tuple(Atom.of("hello"), Atom.of("world")));
            stranger.send(name, a.name(), Term.tuple(Atom.of("$gen_cast"), Term.tuple(Atom.of("hello"), Atom.of("world"))));
            stranger.send(name, a.name(), Term.tuple(Atom.of("discover"), Atom.of("not_a_pid")));
            stranger.send(name, a.name(), Term.tuple(Atom.of("$gen_cast"), Term.tuple(Atom.of("sync"), stranger.self(), Atom.of("x"))));
            stranger.send(name, a.name(), Term.tuple(Atom.of("join"), stranger.self(), "g", stranger.self()));
            stranger.send(name, a.name(), Term.tuple(Atom.of("leave"), stranger.self(), q, Term.list("g")));
            stranger.send(name, a.name(), Atom.of("junk"));
            // from the peer itself: a leave of a group it never announced, a join of no pids
            stranger.send(name, a.name(), Term.tuple(Atom.of("leave"), pb.pid(), q, Term.list("never")));
        }
        Pid p = member(a);
        pa.join("after", p); // handled after all of the above
        await(() -> pb.getMembers("after").equals(List.of(p)), "still working");
        assertEquals(scope, pa.pid());
        assertTrue(pa.isRunning());
        assertEquals(List.of(q), pa.getMembers("g"), "nothing a stranger sent changed the groups");
    }

    @Test
    void aStoppedScopeAnswersNoproc() {
        pa.stop();
        ExitException e = assertThrows(ExitException.class, () -> pa.join("g", member(a)));
        assertEquals(Atom.NOPROC, e.reason());
        assertEquals(List.of(), pa.getMembers("g"));
        assertInstanceOf(Pg.class, Pg.start(a));
    }
}
