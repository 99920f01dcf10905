package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.ConnectionStats;
import io.beambridge.node.Down;
import io.beambridge.node.Node;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a connection writes: batched under load, and never held up by another, slow peer. */
class ConnectionTest {
    static PrivateEpmd epmd;
    static Node a;
    static Node b;

    @BeforeAll
    static void start() throws Exception {
        epmd = new PrivateEpmd();
        a = Node.start(epmd.node("a", "sesame").busyLimit(1 << 20).build());
        b = Node.start(epmd.node("b", "sesame").build());
        assertTrue(a.ping(b.name()));
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        epmd.close();
    }

    @Test
    void writesAreBatchedUnderLoad() {
        int senders = 16;
        int each = 2000;
        ConnectionStats before = a.connectionStats(b.name());
        try (Proc sink = b.mailbox()) {
            List<Proc> procs = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                procs.add(a.spawn(self -> {
                    for (int i = 0; i < each; i++) {
                        self.send(sink.self(), Term.tuple(self.self(), i));
                    }
                }));
            }
            for (int i = 0; i < senders * each; i++) {
                assertNotNull(sink.receive(Duration.ofSeconds(10)), "message " + i);
            }
        }
        ConnectionStats after = a.connectionStats(b.name());
        long frames = after.framesWritten() - before.framesWritten();
        long writes = after.socketWrites() - before.socketWrites();
        assertTrue(frames >= senders * each, "frames " + frames);
        assertTrue(writes * 4 < frames, frames + " frames took " + writes + " socket writes");
    }

    @Test
    void aSilentPeerIsDroppedAfterTheTickTime() throws Exception {
        try (Node c = Node.start(epmd.node("c", "sesame").tickTime(Duration.ofMillis(800)).build());
             RawPeer silent = RawPeer.connect(c, "silent", "sesame")) {
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(10).toNanos();
            while (c.connectionStats(silent.name()) == null) {
                assertTrue(System.nanoTime() < deadline, "the peer never got connected");
                Thread.sleep(5);
            }
            while (c.connectionStats(silent.name()) != null) {
                assertTrue(System.nanoTime() < deadline, "a peer silent for net_ticktime is still connected");
                Thread.sleep(20);
            }
            long took = System.nanoTime() - start;
            assertTrue(took >= Duration.ofMillis(700).toNanos(), "dropped after only " + took / 1_000_000 + " ms");
            // it was ticked meanwhile: at least one tick (4 zero bytes) arrived before the drop
            byte[] tick = new byte[4];
            silent.socket().getInputStream().readNBytes(tick, 0, 4);
            assertEquals(0, tick[0] | tick[1] | tick[2] | tick[3]);
        }
    }

    /**
     * 60 KB messages go whole, and their sender waits at the busy limit (1 MB here); 1 MB
     * messages go in 64 KB fragments, and their sender waits while more than
     * {@link Connection#FRAGMENT_WINDOW} bytes are queued.
     */
    @ParameterizedTest
    @ValueSource(ints = {60 << 10, 1 << 20})
    void aPeerThatNeverReadsBlocksOnlyItsOwnSenders(int size) throws Exception {
        try (RawPeer stuck = RawPeer.connect(a, "stuck", "sesame"); Proc watcher = a.mailbox()) {
            long installed = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (a.connectionStats(stuck.name()) == null) { // the handshake's last step returns before a installs it
                assertTrue(System.nanoTime() < installed, "the stuck peer never got connected");
                Thread.sleep(5);
            }
            Pid nowhere = new Pid(stuck.name(), 1, 0, 1);
            Term.Binary big = new Term.Binary(new byte[size]);
            int count = (200 << 20) / size; // 200 MB: more than the sockets' buffers hold
            long full = size > Packets.FRAGMENT_SIZE ? Connection.FRAGMENT_WINDOW : 1 << 20;
            Proc flooder = a.spawn(self -> {
                for (int i = 0; i < count; i++) {
                    self.send(nowhere, big); // waits while the connection is busy
                }
            });
            Ref ref = watcher.monitor(flooder.self());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (a.connectionStats(stuck.name()).queuedBytes() <= full) {
                assertTrue(System.nanoTime() < deadline, "the stuck connection never filled up");
                Thread.yield();
            }
            assertTrue(flooder.isAlive(), "the flooder waits on the busy connection");
            JavaNodesRawTest.callEcho(a, b); // other connections are unaffected
            assertTrue(b.ping(a.name()));
            stuck.close(); // the peer goes away: its senders are released
            Down down = watcher.receive(Down.class, d -> d.ref().equals(ref), Duration.ofSeconds(30));
            assertNotNull(down, "the flooder finished once the connection dropped");
            assertEquals(Atom.NORMAL, down.reason());
        }
    }
}
