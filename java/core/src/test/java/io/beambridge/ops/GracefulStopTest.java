package io.beambridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.Supervisor;
import io.beambridge.gen.SupervisorFlags;
import io.beambridge.internal.dist.Epmd;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Node#stop(Duration)}: the order a graceful stop keeps, and what callers on other nodes see. */
class GracefulStopTest {
    private PrivateEpmd epmd;
    private Node a;
    private Node b;

    @BeforeEach
    void start() throws IOException {
        epmd = new PrivateEpmd();
        a = Node.start(epmd.node("stop_a", "sesame").build());
        b = Node.start(epmd.node("stop_b", "sesame").build());
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
        epmd.close();
    }

    @Test
    void supervisorsStopTheirChildrenInReverseStartOrderWithinTheirShutdownTimeouts() {
        Queue<String> terminated = new ConcurrentLinkedQueue<>();
        // first tree: c1, c2 (takes 10 s to terminate, 200 ms allowed: killed), c3; a second tree, started later
        Supervisor.start(a, List.of(
                        child("c1", terminated, 0, 5000),
                        child("c2", terminated, 10_000, 200),
                        child("c3", terminated, 0, 5000)),
                SupervisorFlags.oneForOne(), StartOptions.name(Atom.of("first_sup"))).orElseThrow();
        Supervisor.start(a, List.of(child("d1", terminated, 0, 5000), child("d2", terminated, 0, 5000)),
                SupervisorFlags.oneForOne(), StartOptions.name(Atom.of("second_sup"))).orElseThrow();
        long t0 = System.nanoTime();
        a.stop(Duration.ofSeconds(10));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(a.isClosed());
        // the tree started last stops first; in each, the children in reverse start order; c2 was killed
        assertEquals(List.of("d2 :shutdown", "d1 :shutdown", "c3 :shutdown", "c1 :shutdown"), List.copyOf(terminated));
        assertTrue(took >= 200, "c2's shutdown timeout was waited for: " + took + " ms");
        assertTrue(took < 5000, "c2's terminate was not waited for beyond its timeout: " + took + " ms");
    }

    @Test
    void aStoppingNodeAnswersWhatItReceivedAndPeersSeeNodedownForTheRest() throws Exception {
        Atom name = Atom.of("slow");
        CountDownLatch entered = new CountDownLatch(1);
        GenServer.start(a, new Servers.Echo(entered), StartOptions.name(name)).orElseThrow();
        ServerRef remote = ServerRef.remote(b, name, a.name());
        assertEquals(Atom.of("hello"), GenServer.call(remote, Atom.of("hello")));
        // a call being handled when the stop begins gets its reply
        CompletableFuture<Term> inFlight = CompletableFuture.supplyAsync(
                () -> GenServer.call(remote, Term.tuple(Atom.of("sleep"), 300), Duration.ofSeconds(10)));
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        Thread stopper = Thread.ofVirtual().start(() -> a.stop(Duration.ofSeconds(8)));
        assertEquals(Atom.of("slept"), inFlight.get(10, TimeUnit.SECONDS));
        stopper.join(Duration.ofSeconds(10));
        assertFalse(stopper.isAlive());
        // after the stop: EPMD no longer lists the node, and a call exits with nodedown
        assertFalse(Epmd.names("localhost", epmd.port()).contains(a.name().substring(0, a.name().indexOf('@'))),
                "EPMD still lists " + a.name());
        ExitException e = assertThrows(ExitException.class, () -> GenServer.call(remote, Atom.of("hello")));
        assertTrue(e.reason() instanceof Term.Tuple t && t.get(0) instanceof Term.Tuple r && r.isTagged("nodedown", 2),
                e.getMessage());
    }

    @Test
    void aSecondStopOrACloseAfterAStopReturnsAtOnce() {
        a.stop(Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        a.stop(Duration.ofSeconds(1));
        a.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500));
    }

    private ChildSpec child(String id, Queue<String> terminated, long terminateMillis, long shutdownMillis) {
        return ChildSpec.worker(id, () -> GenServer.startLink(a, new Servers.Child(id, terminated, terminateMillis)))
                .withShutdown(ChildSpec.Shutdown.timeout(Duration.ofMillis(shutdownMillis)));
    }
}
