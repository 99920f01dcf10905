package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Order and loss: a million numbered messages each way at once, from four senders on
 * each side, while callers make calls through the same connection, all arrive, each
 * sender's in order, within a minute. And a graceful {@link Node#close()} writes what
 * is still queued before the connection goes.
 */
class OrderingTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final int SENDERS = 4;
    static final int PER_SENDER = 250_000;
    static final int TOTAL = SENDERS * PER_SENDER;
    static final Duration LIMIT = Duration.ofSeconds(60);
    /** Bytes that must wait in the connection's queue when the graceful stop begins. */
    static final long BACKLOG = 512L << 10;
    /** The most messages the graceful-stop burst sends to build that backlog (about 60 MB). */
    static final long MAX_BURST = 1_000_000;
    static Node java;
    static BeamNode erl;

    @BeforeAll
    static void start() throws Exception {
        java = cluster.javaNode("java");
        erl = cluster.erl("erl").start();
        // compiled on the node from the text: works the same for a node in a chroot
        try (var in = OrderingTest.class.getResourceAsStream("/erlang/bb_ordering.erl")) {
            ErlangModules.load(erl, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        erl.rpc(Atom.of("bb_ordering"), Atom.of("echo"));
    }

    @Test
    void aMillionMessagesEachWayArriveAllAndInOrderUnderLoad() throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + LIMIT.toNanos();
        try (Proc report = java.mailbox()) {
            // BEAM -> Java: a Java process checks the order of each BEAM sender
            CompletableFuture<long[]> inJava = new CompletableFuture<>();
            Proc javaReceiver = java.spawn(self -> inJava.complete(receiveAll(self, deadline)));
            // Java -> BEAM: a BEAM process checks the order of each Java sender
            Pid beamReceiver = (Pid) erl.rpc(Atom.of("bb_ordering"), Atom.of("receiver"), report.self(), TOTAL,
                    LIMIT.toMillis());

            // load on the same connection: calls while the streams run
            AtomicBoolean streaming = new AtomicBoolean(true);
            AtomicLong calls = new AtomicLong();
            CompletableFuture<Throwable> callers = new CompletableFuture<>();
            ServerRef echo = ServerRef.remote(java, Atom.of("bb_echo"), erl.name());
            for (int c = 0; c < 2; c++) {
                java.spawn(self -> {
                    try {
                        for (long i = 0; streaming.get() && System.nanoTime() < deadline; i++) {
                            assertEquals(Term.integer(i), GenServer.call(echo, i));
                            calls.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        callers.complete(e);
                    }
                });
            }

            erl.rpc(Atom.of("bb_ordering"), Atom.of("senders"), javaReceiver.self(), SENDERS, PER_SENDER, report.self());
            CompletableFuture<?>[] sent = new CompletableFuture<?>[SENDERS];
            for (int s = 0; s < SENDERS; s++) {
                long id = s;
                CompletableFuture<Void> done = new CompletableFuture<>();
                sent[s] = done;
                java.spawn(self -> {
                    for (long n = 0; n < PER_SENDER; n++) {
                        self.send(beamReceiver, Term.tuple(Atom.of("seq"), id, n));
                    }
                    done.complete(null);
                });
            }

            CompletableFuture.allOf(sent).get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            long sentMillis = (System.nanoTime() - t0) / 1_000_000;
            long[] javaSide = inJava.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            Term.Tuple beamSide = (Term.Tuple) report.receive(m -> m instanceof Term.Tuple t
                    && Atom.of("received").equals(t.get(0)), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            streaming.set(false);
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertNotNull(beamSide, "the BEAM receiver reported within " + LIMIT);
            assertEquals(Term.tuple(Atom.of("received"), TOTAL, 0), Term.tuple(beamSide.get(0),
                    beamSide.get(1), beamSide.get(2)), "Java -> BEAM: all, in order (" + beamSide + ")");
            assertEquals(TOTAL, javaSide[0], "BEAM -> Java: all arrived");
            assertEquals(0, javaSide[1], "BEAM -> Java: in order");
            assertTrue(millis < LIMIT.toMillis(), "within " + LIMIT + ": " + millis + " ms");
            assertTrue(!callers.isDone(), "no call failed: " + callers.getNow(null));
            assertTrue(calls.get() > 0, "calls went through during the streams");
            System.out.printf("%,d messages each way in %d ms (Java senders done after %d ms); %d calls meanwhile%n",
                    TOTAL, millis, sentMillis, calls.get());
        }
    }

    /** Takes {seq, Id, N} messages until TOTAL or the deadline: {count, out of order}. */
    static long[] receiveAll(Proc self, long deadline) {
        long[] next = new long[SENDERS];
        long count = 0;
        long bad = 0;
        while (count < TOTAL) {
            long left = deadline - System.nanoTime();
            Term m = left > 0 ? self.receive(Duration.ofNanos(left)) : null;
            if (m == null) {
                break;
            }
            Term.Tuple t = (Term.Tuple) m;
            int id = t.get(1).as(int.class);
            long n = t.get(2).as(long.class);
            if (n != next[id]) {
                bad++;
            }
            next[id] = n + 1;
            count++;
        }
        return new long[] {count, bad};
    }

    /**
     * A Java node sends a burst and closes at once: the messages still queued for the
     * connection are written before it goes, in order. The burst goes on until at least
     * {@link #BACKLOG} bytes wait in the connection's queue (how many messages that takes
     * depends on how fast the peer reads), then an end marker follows and the node closes.
     */
    @Test
    void aGracefulStopFlushesQueuedMessages() throws Exception {
        // a busy limit far above the backlog, so that no sender waits and the queue can grow
        Node flusher = cluster.javaNode("flusher", o -> o.busyLimit(64L << 20));
        try (Proc report = java.mailbox()) {
            Pid counter = (Pid) erl.rpc(Atom.of("bb_ordering"), Atom.of("burst_counter"), report.self(), 10_000);
            Term.Binary padding = new Term.Binary(new byte[40]);
            long sent = 0;
            long backlog = 0;
            long queuedAtClose;
            try (Proc sender = flusher.mailbox()) {
                while (backlog < BACKLOG && sent < MAX_BURST) {
                    for (int n = 0; n < 1_000; n++, sent++) {
                        sender.send(counter, Term.tuple(Atom.of("burst"), sent, padding));
                    }
                    backlog = flusher.connectionStats(erl.name()).queuedBytes();
                }
                sender.send(counter, Term.tuple(Atom.of("burst_end"), sent));
                queuedAtClose = flusher.connectionStats(erl.name()).queuedBytes();
                flusher.close();
            } catch (ExitException e) {
                throw new AssertionError("the sender ended with the node: " + e.reason(), e);
            }
            assertTrue(backlog >= BACKLOG, "a backlog of " + (BACKLOG >> 10) + " KiB built up within "
                    + MAX_BURST + " messages (" + (backlog >> 10) + " KiB)");
            Term got = report.receive(Duration.ofSeconds(30));
            assertEquals(Term.tuple(Atom.of("burst"), sent, 0, sent), got,
                    "all " + sent + " arrived, in order (" + (queuedAtClose >> 10) + " KiB were queued at close)");
            System.out.printf("graceful stop: %d KiB queued at close, all %d arrived%n", queuedAtClose >> 10, sent);
        }
    }
}
