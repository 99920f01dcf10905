package io.beambridge.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Down;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scope protocol on the wire, message by message: a Java scope on node A against a
 * stand-in for a BEAM scope on node B — a plain mailbox registered as {@code pg} that
 * answers as OTP 29's pg does ({@code {discover, Vs, 1}}) and records what the Java scope
 * sends it. Pins what PgScope's documentation says it sends, and what it takes.
 */
class PgWireTest {
    static final Duration WAIT = Duration.ofSeconds(5);
    static final Atom PG = Pg.DEFAULT_SCOPE;
    static final Atom GEN_CAST = Atom.of("$gen_cast");

    TestNodes nodes;
    Node a;
    Node b;
    Pg pg;
    Proc fake;

    @BeforeEach
    void start() throws Exception {
        nodes = TestNodes.start();
        a = nodes.node("wa");
        b = nodes.node("wb");
        pg = Pg.start(a);
        fake = b.mailbox();
        fake.register(PG);
    }

    @AfterEach
    void stop() {
        fake.close();
        nodes.close();
    }

    Pid member(Node n) {
        return n.spawn(self -> self.receive(t -> t.equals(Atom.of("stop")), Timeout.INFINITY)).self();
    }

    Term.Tuple next(Proc p) {
        Term m = p.receive(WAIT);
        assertNotNull(m, "nothing arrived");
        return (Term.Tuple) m;
    }

    static void await(BooleanSupplier c, String what) {
        long until = System.nanoTime() + WAIT.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError(what);
            }
            Thread.onSpinWait();
        }
    }

    /** Connects, answers the discover as OTP 29 does, and returns the Java scope's sync. */
    Term.Tuple handshake(Term fakeGroups) {
        assertTrue(a.connect(b.name()));
        Term.Tuple discover = next(fake);
        assertEquals(Term.tuple(Atom.of("discover"), pg.pid()), discover, "v0's discover, a 2-tuple");
        fake.send(pg.pid(), Term.tuple(GEN_CAST, Term.tuple(Atom.of("sync"), fake.self(), fakeGroups)));
        fake.send(pg.pid(), Term.tuple(Atom.of("discover"), fake.self(), 1));
        Term.Tuple sync = (Term.Tuple) fake.receive(t -> t instanceof Term.Tuple x && x.isTagged(GEN_CAST, 2), WAIT);
        assertNotNull(sync, "no sync from the Java scope");
        // discovers repeated before the fake's answer arrived (one every 50, 100, ... ms) are dropped here
        while (fake.receive(t -> t instanceof Term.Tuple x && x.isTagged("discover", 2), Duration.ofMillis(300)) != null) {
            // drained
        }
        return sync;
    }

    @Test
    void theHandshakeIsV0AndEachSideSendsOneSync() {
        Pid early = member(a);
        pg.join("g", early);
        Pid remote = member(b);
        Term.Tuple sync = handshake(Term.list(Term.tuple("rg", Term.list(remote))));
        assertEquals(Term.tuple(GEN_CAST, Term.tuple(Atom.of("sync"), pg.pid(), Term.list(Term.tuple("g",
                Term.list(early))))), sync);
        await(() -> pg.getMembers("rg").equals(List.of(remote)), "the fake's member is in the Java view");
        assertEquals(List.of(b.name()), List.copyOf(pg.peerNodes()));
        // {discover, Vs, 1} from a peer already synced is not answered again, and discovery stopped
        assertNull(fake.receive(Duration.ofMillis(1500)), "nothing more: no second sync, no discover back, no retry");
    }

    @Test
    void aDiscoverIsRepeatedUntilTheScopeAnswers() {
        assertTrue(a.connect(b.name()));
        long t0 = System.nanoTime();
        assertEquals(Term.tuple(Atom.of("discover"), pg.pid()), next(fake));
        assertEquals(Term.tuple(Atom.of("discover"), pg.pid()), next(fake));
        assertEquals(Term.tuple(Atom.of("discover"), pg.pid()), next(fake));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= PgScope.FIRST_RETRY_MILLIS * 3 - 10, "50 ms, then 100 ms: " + ms);
    }

    @Test
    void joinsAndLeavesHavePgsShapes() {
        handshake(Term.list());
        Pid p = member(a);
        Pid q = member(a);
        pg.join("g", p);
        assertEquals(Term.tuple(Atom.of("join"), pg.pid(), "g", p), next(fake), "one pid: bare, as OTP 25 and 27 send");
        pg.join("h", p, q);
        assertEquals(Term.tuple(Atom.of("join"), pg.pid(), "h", Term.list(p, q)), next(fake), "several: a list");
        assertTrue(pg.leave("h", q));
        assertEquals(Term.tuple(Atom.of("leave"), pg.pid(), q, Term.list("h")), next(fake));
        assertFalse(pg.leave("never", p), ":not_joined");
        pg.join("g", p); // twice in g, once in h
        assertEquals(Term.tuple(Atom.of("join"), pg.pid(), "g", p), next(fake));
        a.spawn(self -> self.exit(p, Atom.KILL));
        assertEquals(Term.tuple(Atom.of("leave"), pg.pid(), p, Term.list("g", "h", "g")), next(fake),
                "one leave with every group it was in, once per join");
        assertNull(fake.receive(Duration.ofMillis(200)), "the leave of a group never joined was not sent");
    }

    @Test
    void aPeerIsTrustedForNothingItDidNotAnnounce() {
        Pid remote = member(b);
        handshake(Term.list(Term.tuple("rg", Term.list(remote))));
        await(() -> pg.getMembers("rg").size() == 1, "synced");
        Pid scope = pg.pid();
        fake.send(scope, Term.tuple(Atom.of("leave"), fake.self(), remote, Term.list("never"))); // OTP 25 would crash
        fake.send(scope, Term.tuple(Atom.of("join"), fake.self(), "rg", Term.list()));
        fake.send(scope, Term.tuple(Atom.of("leave"), fake.self(), Atom.of("not_a_pid"), Term.list("rg")));
        Pid remote2 = member(b);
        fake.send(scope, Term.tuple(Atom.of("join"), fake.self(), "rg", Term.list(remote2)));
        await(() -> pg.getMembers("rg").size() == 2, "the join after them counted");
        assertTrue(pg.isRunning());
        assertEquals(scope, pg.pid());
        fake.send(scope, Term.tuple(Atom.of("leave"), fake.self(), Term.list(remote, remote2), Term.list("rg")));
        await(() -> pg.whichGroups().isEmpty(), "a leave of a list of pids");
    }

    @Test
    void aPeerScopeThatGoesIsDroppedAndLookedForAgain() {
        Pid remote = member(b);
        handshake(Term.list(Term.tuple("rg", Term.list(remote))));
        await(() -> pg.getMembers("rg").size() == 1, "synced");
        fake.close(); // the BEAM scope exits; its node stays
        await(() -> pg.getMembers("rg").isEmpty(), "its members went with it");
        try (Proc restarted = b.mailbox()) {
            restarted.register(PG);
            Term m = restarted.receive(Duration.ofSeconds(3));
            assertEquals(Term.tuple(Atom.of("discover"), pg.pid()), m, "the new scope is discovered");
        }
    }

    @Test
    void peersMonitorTheScopeAndSeeItGo() {
        handshake(Term.list());
        Ref ref = fake.monitor(pg.pid()); // as a BEAM scope monitors its peers
        assertTrue(b.ping(a.name())); // a round trip behind the monitor on the same connection: it is set up
        pg.stop();
        Down d = fake.receive(Down.class, x -> x.ref().equals(ref), WAIT);
        assertNotNull(d);
        assertEquals(Atom.SHUTDOWN, d.reason());
    }
}
