package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.node.NodeDown;
import io.beambridge.node.NodeUp;
import io.beambridge.node.Proc;
import io.beambridge.testkit.BeamCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Java nodes that connect to each other at about the same moment — as two visible nodes do
 * when global tells both of the other — end with one connection, and neither sees it go
 * down and come up again: an accepted handshake counts as the peer's pending connection
 * (net_kernel's {@code accept_pending}), so a connect made meanwhile waits for it instead
 * of crossing it. (A spurious nodedown between visible nodes makes every
 * prevent_overlapping_partitions peer disconnect nodes.)
 */
class SimultaneousConnectTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    @Test
    void nodesConnectingToEachOtherAtOnceSeeOneNodeupAndNoNodedown() throws Exception {
        Node x = cluster.javaNode("x");
        Node y = cluster.javaNode("y");
        try (Proc wx = x.mailbox(); Proc wy = y.mailbox()) {
            x.monitorNodes(wx, true);
            y.monitorNodes(wy, true);
            CyclicBarrier start = new CyclicBarrier(2);
            for (int round = 0; round < 60; round++) {
                // y starts up to 3 ms after x: often while x's handshake is still under way at y
                long lag = java.util.concurrent.ThreadLocalRandom.current().nextLong(3_000_000);
                CompletableFuture<Boolean> fx = CompletableFuture.supplyAsync(() -> await(start) && x.connect(y.name()));
                CompletableFuture<Boolean> fy = CompletableFuture.supplyAsync(() -> await(start)
                        && lag(lag) && y.connect(x.name()));
                assertTrue(fx.get() && fy.get(), "round " + round + ": both connects succeed");
                for (Proc w : List.of(wx, wy)) {
                    assertTrue(w.receive(NodeUp.class, u -> true, Duration.ofSeconds(5)) != null,
                            "round " + round + ": a nodeup");
                    assertNull(w.receive(NodeDown.class, d -> true, Duration.ofMillis(50)),
                            "round " + round + ": no nodedown while connecting");
                    assertNull(w.receive(NodeUp.class, u -> true, Duration.ZERO), "round " + round + ": one nodeup");
                }
                assertEquals(List.of(y.name()), x.nodes());
                assertTrue(x.disconnect(y.name()));
                for (Proc w : List.of(wx, wy)) {
                    assertTrue(w.receive(NodeDown.class, d -> true, Duration.ofSeconds(5)) != null,
                            "round " + round + ": the disconnect's nodedown");
                }
            }
        }
    }

    private static boolean lag(long nanos) {
        java.util.concurrent.locks.LockSupport.parkNanos(nanos);
        return true;
    }

    private static boolean await(CyclicBarrier b) {
        try {
            b.await();
            return true;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
