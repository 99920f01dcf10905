package io.beambridge.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two Java nodes on one private EPMD: processes of one node talking to those of the other. */
class JavaNodesTest {
    static PrivateEpmd epmd;
    static Node a;
    static Node b;
    static final Duration WAIT = Duration.ofSeconds(5);

    @BeforeAll
    static void start() throws Exception {
        epmd = new PrivateEpmd();
        a = Node.start(epmd.node("a", "sesame").build());
        b = Node.start(epmd.node("b", "sesame").build());
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        epmd.close();
    }

    static Down down(Proc p, Ref ref) {
        Down d = p.receive(Down.class, x -> x.ref().equals(ref), WAIT);
        assertNotNull(d, "no DOWN for " + ref);
        return d;
    }

    @Test
    void pingAndMessagesBothWays() {
        assertTrue(a.ping(b.name()));
        assertTrue(b.ping(a.name()));
        assertTrue(a.nodes().contains(b.name()));
        try (Proc pa = a.mailbox(); Proc pb = b.mailbox()) {
            pb.register(Atom.of("inbox"));
            pa.send(Atom.of("inbox"), b.name(), Term.tuple(Atom.of("hi"), pa.self()));
            Term.Tuple m = (Term.Tuple) pb.receive(WAIT);
            assertEquals(Atom.of("hi"), m.get(0));
            pb.send((Pid) m.get(1), Atom.of("back"));
            assertEquals(Atom.of("back"), pa.receive(WAIT));
        }
    }

    @Test
    void monitorsReportTheExitReason() {
        try (Proc watcher = a.mailbox()) {
            for (Term reason : new Term[] {Atom.NORMAL, Term.tuple(Atom.of("custom"), 42)}) {
                Proc target = b.spawn(self -> {
                    Term why = self.receive();
                    throw self.exit(why);
                });
                Ref ref = watcher.monitor(target.self());
                watcher.send(target.self(), reason);
                Down d = down(watcher, ref);
                assertEquals(Atom.of("process"), d.type());
                assertEquals(target.self(), d.item());
                assertEquals(reason, d.reason());
            }
            Proc victim = b.spawn(self -> self.receive());
            Ref ref = watcher.monitor(victim.self());
            watcher.exit(victim.self(), Atom.KILL);
            assertEquals(Atom.KILLED, down(watcher, ref).reason());
        }
    }

    @Test
    void monitorByNameReportsNameAndNode() {
        try (Proc watcher = a.mailbox(); Proc named = b.mailbox()) {
            Atom name = Atom.of("named_" + System.nanoTime());
            named.register(name);
            Ref ref = watcher.monitor(name, b.name());
            watcher.send(named.self(), Atom.of("sync")); // ordered after the monitor signal
            assertEquals(Atom.of("sync"), named.receive(WAIT));
            named.close();
            Down d = down(watcher, ref);
            assertEquals(Term.tuple(name, Atom.of(b.name())), d.item());
            assertEquals(Atom.NORMAL, d.reason());
            Ref ref2 = watcher.monitor(Atom.of("never_registered"), b.name());
            assertEquals(Atom.NOPROC, down(watcher, ref2).reason());
        }
    }

    @Test
    void linksPropagateExitsAndTrapExitTurnsThemIntoMessages() {
        try (Proc trapper = a.mailbox()) {
            trapper.trapExit(true);
            Proc linked = b.spawn(self -> {
                self.receive();
                throw new IllegalStateException("boom");
            });
            trapper.link(linked.self());
            trapper.send(linked.self(), Atom.of("go"));
            Exit exit = trapper.receive(Exit.class, e -> true, WAIT);
            assertNotNull(exit);
            assertEquals(linked.self(), exit.from());
            // as an Elixir process that raised: {%RuntimeError{message: "java.lang...: boom"}, stacktrace}
            Term.Tuple reason = assertInstanceOf(Term.Tuple.class, exit.reason());
            assertEquals(Term.map(Atom.of("__struct__"), Atom.elixir("RuntimeError"), Atom.of("__exception__"), true,
                    Atom.of("message"), "java.lang.IllegalStateException: boom"), reason.get(0));
            assertInstanceOf(Term.List.class, reason.get(1));
        }
        // without trap_exit the linked process dies too, with the same reason
        try (Proc watcher = a.mailbox()) {
            Proc first = a.spawn(self -> self.receive());
            Proc second = b.spawn(self -> {
                self.link(first.self());
                self.receive();
                throw self.exit(Atom.of("bye"));
            });
            Ref ref = watcher.monitor(first.self());
            awaitLinked(first, second.self());
            watcher.send(second.self(), Atom.of("go"));
            assertEquals(Atom.of("bye"), down(watcher, ref).reason());
        }
    }

    @Test
    void unlinkStopsExitSignals() {
        try (Proc watcher = a.mailbox()) {
            Proc other = b.spawn(self -> {
                self.receive();
                throw self.exit(Atom.of("bye"));
            });
            Pid watcherPid = watcher.self();
            Proc survivor = a.spawn(self -> {
                self.link(other.self());
                self.unlink(other.self());
                self.send(watcherPid, Atom.of("unlinked"));
                self.receive();
            });
            assertEquals(Atom.of("unlinked"), watcher.receive(WAIT));
            Ref survivorRef = watcher.monitor(survivor.self());
            Ref otherRef = watcher.monitor(other.self());
            watcher.send(other.self(), Atom.of("go"));
            assertEquals(Atom.of("bye"), down(watcher, otherRef).reason());
            watcher.send(survivor.self(), Atom.of("done"));
            assertEquals(Atom.NORMAL, down(watcher, survivorRef).reason(), "survivor ended by itself");
        }
    }

    @Test
    void nodeGoingAwayGivesNoconnection() throws Exception {
        Node c = Node.start(epmd.node("c", "sesame").build());
        try (Proc watcher = a.mailbox()) {
            Proc remote = c.spawn(self -> self.receive());
            watcher.trapExit(true);
            Ref ref = watcher.monitor(remote.self());
            watcher.link(remote.self());
            awaitLinked(remote, watcher.self());
            c.close();
            assertEquals(Atom.NOCONNECTION, down(watcher, ref).reason());
            assertEquals(new Exit(remote.self(), Atom.NOCONNECTION), watcher.receive(WAIT).as(Exit.class));
            assertFalse(a.nodes().contains(c.name()));
        } finally {
            c.close();
        }
    }

    @Test
    void wrongCookieIsRefusedBothWaysAndOthersKeepWorking() throws Exception {
        try (Node stranger = Node.start(epmd.node("stranger", "not-sesame").build())) {
            assertFalse(stranger.ping(a.name()), "outgoing with the wrong cookie");
            assertFalse(a.ping(stranger.name()), "incoming with the wrong cookie");
            assertFalse(a.nodes().contains(stranger.name()));
            assertTrue(a.ping(b.name()));
            callEcho(a, b);
        }
    }

    @Test
    void tenMegabytesArriveIntactBothWays() {
        byte[] big = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(big);
        try (Proc pa = a.mailbox(); Proc pb = b.mailbox()) {
            pa.send(pb.self(), Term.tuple(pa.self(), big));
            Term.Tuple got = (Term.Tuple) pb.receive(Duration.ofSeconds(30));
            assertArrayEquals(big, ((Term.Binary) got.get(1)).bytes());
            pb.send(pa.self(), got.get(1));
            assertArrayEquals(big, pa.receive(Duration.ofSeconds(30)).as(byte[].class));
        }
    }

    @Test
    void aliasStopsWorkingAfterUnalias() {
        try (Proc owner = a.mailbox(); Proc sender = b.mailbox()) {
            Ref alias = owner.alias();
            sender.send(alias, Atom.of("one"));
            assertEquals(Atom.of("one"), owner.receive(WAIT));
            assertTrue(owner.unalias(alias));
            sender.send(alias, Atom.of("two"));
            sender.send(owner.self(), Atom.of("marker")); // ordered after "two" from the same sender
            assertEquals(Atom.of("marker"), owner.receive(WAIT));
            assertNull(owner.receive(Duration.ZERO));
        }
    }

    @Test
    void aMessageToAnAliasReachesOnlyTheProcessThatHoldsIt() {
        try (Proc owner = a.mailbox(); Proc other = a.mailbox(); Proc sender = b.mailbox()) {
            Ref alias = owner.alias();
            int[] words = alias.ids().clone();
            words[0] ^= 1;
            Ref forged = new Ref(alias.node(), alias.creation(), words); // names the owner, is not its alias
            sender.send(forged, Atom.of("forged"));
            sender.send(a.makeRef(), Atom.of("plain")); // a reference of the node, no alias
            sender.send(other.alias(), Atom.of("other"));
            sender.send(alias, Atom.of("mine")); // ordered after the others: same sender, same connection
            assertEquals(Atom.of("mine"), owner.receive(WAIT));
            assertEquals(Atom.of("other"), other.receive(WAIT));
            assertNull(owner.receive(Duration.ZERO));
            assertNull(other.receive(Duration.ZERO));
        }
    }

    /** A GenServer that replies every call with its request. */
    static final class Echo implements GenServer<Object> {
        public Init<Object> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Object> handleCall(Term request, From from, Object state) {
            return Result.reply(request, state);
        }
    }

    /** A call from {@code from} to an echo server on {@code to} answers: both nodes serve. */
    static void callEcho(Node from, Node to) {
        Pid server = GenServer.start(to, new Echo()).orElseThrow() instanceof ServerRef.ByPid p ? p.pid() : null;
        try {
            assertEquals(Atom.of("pong"), GenServer.call(ServerRef.of(from, server), Atom.of("pong")));
        } finally {
            GenServer.stop(ServerRef.of(to, server));
        }
    }

    /** Waits until {@code p} holds a link to {@code other} (links are set up asynchronously across nodes). */
    static void awaitLinked(Proc p, Pid other) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!p.links().contains(other)) {
            assertTrue(System.nanoTime() < deadline, "link never arrived");
            Thread.yield();
        }
    }
}
