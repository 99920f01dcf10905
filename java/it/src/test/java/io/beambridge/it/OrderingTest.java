package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRangeException;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.ConnectionStats;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Terms;
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
        erl.rpc("bb_ordering", "echo");
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
            OtpErlangPid beamReceiver = (OtpErlangPid) erl.rpc("bb_ordering", "receiver", report.self(), TOTAL,
                    LIMIT.toMillis());

            // load on the same connection: calls while the streams run
            AtomicBoolean streaming = new AtomicBoolean(true);
            AtomicLong calls = new AtomicLong();
            CompletableFuture<Throwable> callers = new CompletableFuture<>();
            for (int c = 0; c < 2; c++) {
                java.spawn(self -> {
                    try {
                        for (long i = 0; streaming.get() && System.nanoTime() < deadline; i++) {
                            assertEquals(new OtpErlangLong(i), GenServer.call(ServerRef.remote("bb_echo", erl.name()), i));
                            calls.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        callers.complete(e);
                    }
                });
            }

            erl.rpc("bb_ordering", "senders", javaReceiver.self(), SENDERS, PER_SENDER, report.self());
            CompletableFuture<?>[] sent = new CompletableFuture<?>[SENDERS];
            for (int s = 0; s < SENDERS; s++) {
                long id = s;
                CompletableFuture<Void> done = new CompletableFuture<>();
                sent[s] = done;
                java.spawn(self -> {
                    for (long n = 0; n < PER_SENDER; n++) {
                        self.send(beamReceiver, Terms.tuple(Terms.atom("seq"), id, n));
                    }
                    done.complete(null);
                });
            }

            CompletableFuture.allOf(sent).get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            long sentMillis = (System.nanoTime() - t0) / 1_000_000;
            long[] javaSide = inJava.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            OtpErlangTuple beamSide = (OtpErlangTuple) report.receive(m -> m instanceof OtpErlangTuple t
                    && Terms.atom("received").equals(t.elementAt(0)), Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            streaming.set(false);
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertNotNull(beamSide, "the BEAM receiver reported within " + LIMIT);
            assertEquals(Terms.tuple(Terms.atom("received"), TOTAL, 0), Terms.tuple(beamSide.elementAt(0),
                    beamSide.elementAt(1), beamSide.elementAt(2)), "Java -> BEAM: all, in order (" + beamSide + ")");
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
    static long[] receiveAll(Proc self, long deadline) throws OtpErlangRangeException {
        long[] next = new long[SENDERS];
        long count = 0;
        long bad = 0;
        while (count < TOTAL) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            OtpErlangObject m = left > 0 ? self.receive(m2 -> true, left) : null;
            if (m == null) {
                break;
            }
            OtpErlangTuple t = (OtpErlangTuple) m;
            int id = ((OtpErlangLong) t.elementAt(1)).intValue();
            long n = ((OtpErlangLong) t.elementAt(2)).longValue();
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
     * connection are written before it goes, in order.
     */
    @Test
    void aGracefulStopFlushesQueuedMessages() throws Exception {
        int burst = 300_000;
        // a busy limit above the burst (12 MB) so that the burst is still queued when close begins
        Node flusher = cluster.javaNode("flusher", o -> o.busyLimit(64L << 20));
        try (Proc report = java.mailbox()) {
            OtpErlangPid counter = (OtpErlangPid) erl.rpc("bb_ordering", "burst_counter", report.self(), burst, 10_000);
            OtpErlangBinary padding = new OtpErlangBinary(new byte[40]);
            long queuedAtClose;
            try (Proc sender = flusher.mailbox()) {
                for (int n = 0; n < burst; n++) {
                    sender.send(counter, Terms.tuple(Terms.atom("burst"), n, padding));
                }
                ConnectionStats stats = flusher.connectionStats(erl.name());
                queuedAtClose = stats.queuedBytes();
                flusher.close();
            } catch (ExitException e) {
                throw new AssertionError("the sender ended with the node: " + e.reason(), e);
            }
            assertTrue(queuedAtClose > 0, "a backlog was queued when close began");
            OtpErlangObject got = report.receive(Duration.ofSeconds(30));
            assertEquals(Terms.tuple(Terms.atom("burst"), burst, 0), got,
                    "all " + burst + " arrived, in order (" + (queuedAtClose >> 10) + " KiB were queued at close)");
            System.out.printf("graceful stop: %d KiB queued at close, all %d arrived%n", queuedAtClose >> 10, burst);
        }
    }
}
