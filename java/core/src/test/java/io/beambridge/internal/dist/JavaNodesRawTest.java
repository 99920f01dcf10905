package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Java nodes on one private EPMD, at the runtime's level: reactive processes and
 * the gen call protocol across a connection. (What the API shows of two nodes is
 * {@code io.beambridge.node.JavaNodesTest}.)
 */
class JavaNodesRawTest {
    static final Duration WAIT = Duration.ofSeconds(5);
    static final long WAIT_NANOS = WAIT.toNanos();
    static PrivateEpmd epmd;
    static Engine a;
    static Engine b;

    @BeforeAll
    static void start() throws Exception {
        epmd = new PrivateEpmd();
        a = Engine.of(Node.start(epmd.node("a", "sesame").build()));
        b = Engine.of(Node.start(epmd.node("b", "sesame").build()));
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        epmd.close();
    }

    /** A reactive process answering every gen call with its request. */
    static LocalProc echo(Node on) {
        return Engine.of(on).spawn((Reactor) (self, m) -> {
            Term.Tuple call = (Term.Tuple) m;
            GenCall.reply(self.table(), self.self(), call.get(1), call.get(2));
        });
    }

    /**
     * A reactive process with messages waiting holds its distribution writes back
     * (Flushes): they must still go out before it waits in a receive, and all of them
     * once its mailbox is drained.
     */
    @Test
    void heldWritesGoOutBeforeAReceiveAndAtTheEndOfABurst() {
        LocalProc echo = echo(b);
        // on a: each message is {ReplyTo, I}; the handler calls b's echo (a remote call,
        // waiting in a receive while the rest of the burst is queued), then sends the answer on
        LocalProc relay = a.spawn((Reactor) (self, m) -> {
            Term.Tuple t = (Term.Tuple) m;
            Term answer = GenCall.call(self, echo.self(), b.name(), GenCall.GEN_CALL, t.get(1), WAIT_NANOS);
            self.send((Pid) t.get(0), answer);
        });
        try (Proc sink = b.mailbox(); Proc sender = a.mailbox()) {
            int n = 200;
            for (int i = 0; i < n; i++) {
                sender.send(relay.self(), Term.tuple(sink.self(), i));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(Term.integer(i), sink.receive(WAIT), "answer " + i);
            }
        } finally {
            relay.close();
            echo.close();
        }
    }

    @Test
    void callAcrossNodesAndNoprocForUnknownName() {
        LocalProc server = b.spawn((Reactor) (self, m) -> {
            Term.Tuple call = (Term.Tuple) m;
            GenCall.reply(self.table(), self.self(), call.get(1), Term.tuple(Atom.OK, call.get(2)));
        });
        server.register(Atom.of("echo_" + server.self().id()));
        try (LocalProc caller = a.mailbox()) {
            Term r = GenCall.call(caller, server.registeredName(), b.name(), GenCall.GEN_CALL, Atom.of("x"), WAIT_NANOS);
            assertEquals(Term.tuple(Atom.OK, Atom.of("x")), r);
            ExitException e = assertThrows(ExitException.class,
                    () -> GenCall.call(caller, Atom.of("nope"), b.name(), GenCall.GEN_CALL, Atom.of("x"), WAIT_NANOS));
            assertEquals(Atom.NOPROC, e.reason());
            assertEquals(0, caller.messageCount(), "no stray message left by the calls");
        } finally {
            server.close();
        }
    }

    /** A gen call from {@code from} to an echo process on {@code to} answers: both nodes serve. */
    static void callEcho(Node from, Node to) {
        LocalProc server = echo(to);
        try (LocalProc caller = Engine.of(from).mailbox()) {
            assertEquals(Atom.of("pong"), GenCall.call(caller, server.self(), to.name(), GenCall.GEN_CALL,
                    Atom.of("pong"), WAIT_NANOS));
        } finally {
            server.close();
        }
    }

    /** Waits until {@code p} holds a link to {@code other} (links are set up asynchronously across nodes). */
    static void awaitLinked(Proc p, Pid other) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!p.links().contains(other)) {
            assertTrue(System.nanoTime() < deadline, "link never arrived");
            Thread.yield();
        }
    }

    /** Waits until {@code p} is no longer linked to {@code other}. */
    static void awaitUnlinked(Proc p, Pid other) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (p.links().contains(other)) {
            assertTrue(System.nanoTime() < deadline, "link never went");
            Thread.yield();
        }
    }
}
