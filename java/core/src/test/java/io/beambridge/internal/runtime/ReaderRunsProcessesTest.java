package io.beambridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Java process that a connection's reader makes runnable (a message or a reply from a
 * peer) runs on that reader before it reads again, as an activation does, not on a
 * scheduler worker woken for it; and one that then computes does not hold up what the
 * reader delivers next (the carrier is taken over).
 */
class ReaderRunsProcessesTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static TestNodes nodes;
    static Node a;
    static Node b;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Carrier.isAvailable() && Scheduler.available(), "the process scheduler and carriers");
        nodes = TestNodes.start();
        a = nodes.node("runs_a");
        b = nodes.node("runs_b");
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    /** Spawns a process on {@code a} that waits for {@code go}; the name of the thread it then runs on. */
    static CompletableFuture<String> carrierAfterWake(Pid[] self) throws Exception {
        CompletableFuture<Pid> started = new CompletableFuture<>();
        CompletableFuture<String> carrier = new CompletableFuture<>();
        a.spawn(p -> {
            started.complete(p.self());
            p.receive(m -> m.equals(Atom.of("go")), WAIT);
            carrier.complete(VirtualThreads.currentCarrier().getName());
        });
        self[0] = started.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return carrier;
    }

    @Test
    void aProcessWokenByAPeersMessageRunsOnTheReader() throws Exception {
        Pid[] target = new Pid[1];
        CompletableFuture<String> carrier = carrierAfterWake(target);
        b.spawn(p -> p.send(target[0], Atom.of("go")));
        assertEquals("beambridge-reader-" + b.name(), carrier.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aProcessTheReaderRunsThatComputesHoldsUpNoDelivery() throws Exception {
        AtomicBoolean delivered = new AtomicBoolean();
        CompletableFuture<Boolean> computedUntilDelivered = new CompletableFuture<>();
        CompletableFuture<Pid> busy = new CompletableFuture<>();
        a.spawn(p -> {
            busy.complete(p.self());
            p.receive(m -> m.equals(Atom.of("go")), WAIT);
            long end = System.nanoTime() + WAIT.toNanos();
            while (!delivered.get() && System.nanoTime() < end) {
                Thread.onSpinWait(); // computes: never blocks, never yields
            }
            computedUntilDelivered.complete(delivered.get());
        });
        CompletableFuture<Pid> other = new CompletableFuture<>();
        a.spawn(p -> {
            other.complete(p.self());
            Term m = p.receive(WAIT);
            delivered.set(Atom.of("next").equals(m));
        });
        Pid busyPid = busy.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Pid otherPid = other.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        b.spawn(p -> {
            p.send(busyPid, Atom.of("go"));
            p.send(otherPid, Atom.of("next"));
        });
        assertTrue(computedUntilDelivered.get(2 * WAIT.toSeconds(), TimeUnit.SECONDS),
                "the second message was delivered while the first process computed");
    }
}
