package io.beambridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the scheduling of processes guarantees, as on BEAM: a caller fails at its timeout
 * while the server's callback still runs, whether the callback sleeps or computes; a
 * process that computes without end holds up no other; messages keep their order however
 * the processes are handed from thread to thread.
 */
class ProcessSchedulingTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Atom WORK = Atom.of("work");
    static TestNodes nodes;
    static Node node;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        node = nodes.node("sched");
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    /** A server whose callback sleeps or computes until released (or until WAIT has passed). */
    static final class Busy implements GenServer<Atom> {
        final boolean compute;
        final AtomicBoolean release = new AtomicBoolean();
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicBoolean finished = new AtomicBoolean();

        Busy(boolean compute) {
            this.compute = compute;
        }

        @Override
        public Init<Atom> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Atom> handleCall(Term request, From from, Atom state) throws InterruptedException {
            started.set(true);
            long until = System.nanoTime() + WAIT.toNanos();
            while (!release.get() && System.nanoTime() < until) {
                if (compute) {
                    Thread.onSpinWait();
                } else {
                    Thread.sleep(10);
                }
            }
            finished.set(true);
            return Result.reply(Atom.OK, state);
        }
    }

    static final class Echo implements GenServer<Atom> {
        @Override
        public Init<Atom> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Atom> handleCall(Term request, From from, Atom state) {
            return Result.reply(request, state);
        }
    }

    /** The exit reason of a call made by a process of the node (null when it returned). */
    private static CompletableFuture<Term> callFromAProcess(ServerRef server, Duration timeout) {
        CompletableFuture<Term> outcome = new CompletableFuture<>();
        node.spawn(self -> {
            try {
                GenServer.call(server, WORK, timeout);
                outcome.complete(null);
            } catch (ExitException e) {
                outcome.complete(e.reason());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        return outcome;
    }

    /** GenServer.call's exit at its timeout: {@code {:timeout, {GenServer, :call, [server, request, timeout]}}}. */
    private static void assertTimeout(Term reason) {
        assertTrue(reason instanceof Term.Tuple t && t.isTagged("timeout", 2), "a timeout exit: " + reason);
    }

    private static Term get(CompletableFuture<Term> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aCallTimesOutWhileTheCallbackSleeps() throws Exception {
        Busy busy = new Busy(false);
        ServerRef server = GenServer.start(node, busy).orElseThrow();
        try {
            assertTimeout(get(callFromAProcess(server, Duration.ofMillis(300))));
            assertTrue(busy.started.get());
            assertFalse(busy.finished.get(), "the caller exited while the callback still slept");
        } finally {
            busy.release.set(true);
        }
    }

    /**
     * Every worker held by a computing callback, and one more: a caller of one of them still
     * exits at its timeout, and calls between other processes go on.
     */
    @Test
    void computingCallbacksOnEveryWorkerHoldUpNoOther() throws Exception {
        assumeTrue(Scheduler.available(), "the guarantee is the process scheduler's");
        int n = Scheduler.jvm().workerCount() + 1;
        List<Busy> busy = new ArrayList<>();
        List<CompletableFuture<Term>> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Busy b = new Busy(true);
                busy.add(b);
                held.add(callFromAProcess(GenServer.start(node, b).orElseThrow(), Timeout.INFINITY));
            }
            for (Busy b : busy) {
                long until = System.nanoTime() + WAIT.toNanos();
                while (!b.started.get() && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
                assertTrue(b.started.get(), "every callback runs, though there are more than workers");
            }
            Busy another = new Busy(true);
            busy.add(another);
            ServerRef server = GenServer.start(node, another).orElseThrow();
            assertTimeout(get(callFromAProcess(server, Duration.ofMillis(300))));
            ServerRef echo = GenServer.start(node, new Echo()).orElseThrow();
            CompletableFuture<Term> calls = new CompletableFuture<>();
            node.spawn(self -> {
                for (int i = 0; i < 100; i++) {
                    Term reply = GenServer.call(echo, Term.integer(i));
                    if (!Term.integer(i).equals(reply)) {
                        calls.complete(reply);
                        return;
                    }
                }
                calls.complete(Atom.OK);
            });
            assertEquals(Atom.OK, get(calls));
            for (Busy b : busy) {
                assertFalse(b.finished.get(), "all the while the callbacks computed");
            }
        } finally {
            busy.forEach(b -> b.release.set(true));
        }
        for (CompletableFuture<Term> f : held) {
            assertEquals(null, get(f), "released, each callback replies");
        }
    }

    /**
     * Casts and calls from one process to a server arrive in the order sent, though the
     * server's activations start on the sender's thread and wait there for it to block.
     */
    @Test
    void messagesKeepTheirOrderAcrossHandOffs() throws Exception {
        List<Term> seen = new ArrayList<>();
        ServerRef server = GenServer.start(node, new GenServer<Atom>() {
            @Override
            public Init<Atom> init() {
                return Init.ok(Atom.NIL);
            }

            @Override
            public Result<Atom> handleCast(Term request, Atom state) {
                seen.add(request); // only the server's activation touches it
                return Result.noreply(state);
            }

            @Override
            public Result<Atom> handleCall(Term request, From from, Atom state) {
                seen.add(request);
                return Result.reply(Term.integer(seen.size()), state);
            }
        }).orElseThrow();
        int count = 3000;
        CompletableFuture<Term> last = new CompletableFuture<>();
        node.spawn(self -> {
            for (int i = 0; i < count; i++) {
                if (i % 7 == 0) {
                    GenServer.call(server, Term.integer(i));
                } else {
                    GenServer.cast(server, Term.integer(i));
                }
            }
            last.complete(GenServer.call(server, Term.integer(count)));
        });
        assertEquals(Term.integer(count + 1), get(last));
        for (int i = 0; i <= count; i++) {
            assertEquals(Term.integer(i), seen.get(i), "message " + i);
        }
    }
}
