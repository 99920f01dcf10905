package io.beambridge.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.process.Reactor;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two Java nodes on one private EPMD: the distribution layer talking to itself. */
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

    static OtpErlangTuple down(Proc p, OtpErlangRef ref) {
        OtpErlangObject m = p.receive(x -> x instanceof OtpErlangTuple t && t.arity() == 5
                && ref.equals(t.elementAt(1)), WAIT);
        assertNotNull(m, "no DOWN for " + ref);
        return (OtpErlangTuple) m;
    }

    @Test
    void pingAndMessagesBothWays() {
        assertTrue(a.ping(b.name()));
        assertTrue(b.ping(a.name()));
        try (Proc pa = a.mailbox(); Proc pb = b.mailbox("inbox")) {
            pa.send("inbox", b.name(), Terms.tuple(Terms.atom("hi"), pa.self()));
            OtpErlangTuple m = (OtpErlangTuple) pb.receive(WAIT);
            assertEquals(Terms.atom("hi"), m.elementAt(0));
            pb.send((OtpErlangPid) m.elementAt(1), Terms.atom("back"));
            assertEquals(Terms.atom("back"), pa.receive(WAIT));
        }
    }

    /**
     * A reactive process with messages waiting holds its distribution writes back
     * (Flushes): they must still go out before it waits in a receive, and all of them
     * once its mailbox is drained.
     */
    @Test
    void heldWritesGoOutBeforeAReceiveAndAtTheEndOfABurst() {
        Proc echo = b.spawn((Reactor) (self, m) -> {
            OtpErlangTuple call = (OtpErlangTuple) m;
            Gen.reply(self, call.elementAt(1), call.elementAt(2));
        });
        // on a: each message is {ReplyTo, I}; the handler calls b's echo (a remote call,
        // waiting in a receive while the rest of the burst is queued), then sends the answer on
        Proc relay = a.spawn((Reactor) (self, m) -> {
            OtpErlangTuple t = (OtpErlangTuple) m;
            OtpErlangObject answer = Gen.call(self, echo.self(), t.elementAt(1), 5000);
            self.send((OtpErlangPid) t.elementAt(0), answer);
        });
        try (Proc sink = b.mailbox(); Proc sender = a.mailbox()) {
            int n = 200;
            for (int i = 0; i < n; i++) {
                sender.send(relay.self(), Terms.tuple(sink.self(), i));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(Terms.term(i), sink.receive(WAIT), "answer " + i);
            }
        } finally {
            relay.close();
            echo.close();
        }
    }

    @Test
    void callAcrossNodesAndNoprocForUnknownName() {
        Proc server = b.spawn((Reactor) (self, m) -> {
            OtpErlangTuple call = (OtpErlangTuple) m;
            Gen.reply(self, call.elementAt(1), Terms.tuple(Atoms.OK, call.elementAt(2)));
        });
        server.register("echo_" + server.self().id());
        try (Proc caller = a.mailbox()) {
            OtpErlangObject r = Gen.call(caller, server.registeredName(), b.name(), Terms.atom("x"), 5000);
            assertEquals(Terms.tuple(Atoms.OK, Terms.atom("x")), r);
            ExitException e = assertThrows(ExitException.class,
                    () -> Gen.call(caller, "nope", b.name(), Terms.atom("x"), 5000));
            assertEquals(Atoms.NOPROC, e.reason());
            assertEquals(0, caller.messageCount(), "no stray message left by the calls");
        } finally {
            server.close();
        }
    }

    @Test
    void monitorsReportTheExitReason() {
        try (Proc watcher = a.mailbox()) {
            for (OtpErlangObject reason : new OtpErlangObject[] {
                    Atoms.NORMAL, Terms.tuple(Terms.atom("custom"), 42)}) {
                Proc target = b.spawn(self -> {
                    OtpErlangObject why = self.receive();
                    throw self.exit(why);
                });
                OtpErlangRef ref = watcher.monitor(target.self());
                watcher.send(target.self(), reason);
                OtpErlangTuple d = down(watcher, ref);
                assertEquals(target.self(), d.elementAt(3));
                assertEquals(reason, d.elementAt(4));
            }
            Proc victim = b.spawn(self -> self.receive());
            OtpErlangRef ref = watcher.monitor(victim.self());
            watcher.exit(victim.self(), Atoms.KILL);
            assertEquals(Atoms.KILLED, down(watcher, ref).elementAt(4));
        }
    }

    @Test
    void monitorByNameReportsNameAndNode() {
        try (Proc watcher = a.mailbox(); Proc named = b.mailbox("named_" + System.nanoTime())) {
            String name = named.registeredName();
            OtpErlangRef ref = watcher.monitor(name, b.name());
            watcher.send(named.self(), Terms.atom("sync")); // ordered after the monitor signal
            assertEquals(Terms.atom("sync"), named.receive(WAIT));
            named.close();
            OtpErlangTuple d = down(watcher, ref);
            assertEquals(Terms.tuple(Terms.atom(name), Terms.atom(b.name())), d.elementAt(3));
            assertEquals(Atoms.NORMAL, d.elementAt(4));
            OtpErlangRef ref2 = watcher.monitor("never_registered", b.name());
            assertEquals(Atoms.NOPROC, down(watcher, ref2).elementAt(4));
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
            trapper.send(linked.self(), Terms.atom("go"));
            OtpErlangTuple exit = (OtpErlangTuple) trapper.receive(WAIT);
            assertEquals(Atoms.EXIT, exit.elementAt(0));
            assertEquals(linked.self(), exit.elementAt(1));
            assertEquals(Terms.tuple(Terms.atom("java_exception"), "java.lang.IllegalStateException", "boom"),
                    exit.elementAt(2));
        }
        // without trap_exit the linked process dies too, with the same reason
        try (Proc watcher = a.mailbox()) {
            Proc first = a.spawn(self -> self.receive());
            Proc second = b.spawn(self -> {
                self.link(first.self());
                self.receive();
                throw self.exit(Terms.atom("bye"));
            });
            OtpErlangRef ref = watcher.monitor(first.self());
            awaitLinked(first, second.self());
            watcher.send(second.self(), Terms.atom("go"));
            assertEquals(Terms.atom("bye"), down(watcher, ref).elementAt(4));
        }
    }

    @Test
    void unlinkStopsExitSignals() {
        try (Proc watcher = a.mailbox()) {
            Proc other = b.spawn(self -> {
                self.receive();
                throw self.exit(Terms.atom("bye"));
            });
            Proc survivor = a.spawn(self -> {
                self.link(other.self());
                self.unlink(other.self());
                watcher.send(watcher.self(), Terms.atom("unlinked"));
                self.receive();
            });
            assertEquals(Terms.atom("unlinked"), watcher.receive(WAIT));
            OtpErlangRef survivorRef = watcher.monitor(survivor.self());
            OtpErlangRef otherRef = watcher.monitor(other.self());
            watcher.send(other.self(), Terms.atom("go"));
            assertEquals(Terms.atom("bye"), down(watcher, otherRef).elementAt(4));
            watcher.send(survivor.self(), Terms.atom("done"));
            assertEquals(Atoms.NORMAL, down(watcher, survivorRef).elementAt(4), "survivor ended by itself");
        }
    }

    @Test
    void nodeGoingAwayGivesNoconnection() throws Exception {
        Node c = Node.start(epmd.node("c", "sesame").build());
        try (Proc watcher = a.mailbox()) {
            Proc remote = c.spawn(self -> self.receive());
            watcher.trapExit(true);
            OtpErlangRef ref = watcher.monitor(remote.self());
            watcher.link(remote.self());
            awaitLinked(remote, watcher.self());
            c.close();
            assertEquals(Atoms.NOCONNECTION, down(watcher, ref).elementAt(4));
            OtpErlangTuple exit = (OtpErlangTuple) watcher.receive(WAIT);
            assertEquals(Terms.tuple(Atoms.EXIT, remote.self(), Atoms.NOCONNECTION), exit);
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
            pa.send(pb.self(), Terms.tuple(pa.self(), new OtpErlangBinary(big)));
            OtpErlangTuple got = (OtpErlangTuple) pb.receive(Duration.ofSeconds(30));
            assertArrayEquals(big, ((OtpErlangBinary) got.elementAt(1)).binaryValue());
            pb.send(pa.self(), got.elementAt(1));
            assertArrayEquals(big, ((OtpErlangBinary) pa.receive(Duration.ofSeconds(30))).binaryValue());
        }
    }

    @Test
    void aliasStopsWorkingAfterUnalias() {
        try (Proc owner = a.mailbox(); Proc sender = b.mailbox()) {
            OtpErlangRef alias = owner.alias();
            sender.send(alias, Terms.atom("one"));
            assertEquals(Terms.atom("one"), owner.receive(WAIT));
            owner.unalias(alias);
            sender.send(alias, Terms.atom("two"));
            sender.send(owner.self(), Terms.atom("marker")); // ordered after "two" from the same sender
            assertEquals(Terms.atom("marker"), owner.receive(WAIT));
            assertNull(owner.receive(Duration.ZERO));
        }
    }

    static void callEcho(Node from, Node to) {
        Proc server = to.spawn((Reactor) (self, m) -> {
            OtpErlangTuple call = (OtpErlangTuple) m;
            Gen.reply(self, call.elementAt(1), call.elementAt(2));
        });
        try (Proc caller = from.mailbox()) {
            assertEquals(Terms.atom("pong"), Gen.call(caller, server.self(), Terms.atom("pong"), 5000));
        } finally {
            server.close();
        }
    }

    /** Waits until {@code p} holds a link to {@code other} (links are set up asynchronously across nodes). */
    static void awaitLinked(Proc p, OtpErlangPid other) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!p.links().contains(other)) {
            assertTrue(System.nanoTime() < deadline, "link never arrived");
            Thread.yield();
        }
    }

    /** Waits until {@code p} is no longer linked to {@code other}. */
    static void awaitUnlinked(Proc p, OtpErlangPid other) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (p.links().contains(other)) {
            assertTrue(System.nanoTime() < deadline, "link never went");
            Thread.yield();
        }
    }
}
